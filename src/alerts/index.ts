import type { AgentContext, Component } from '../agent/context.ts';

/** Placeholder until the in-agent alert evaluator lands (issue 6). */
export function createAlertEvaluator(_ctx: AgentContext): Component {
  return { name: 'alerts', async start() {}, async stop() {} };
}

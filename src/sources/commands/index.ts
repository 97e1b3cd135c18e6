import type { AgentContext, Component } from '../../agent/context.ts';

/** Placeholder until auto commands land (issue 4). */
export function createCommandSource(_ctx: AgentContext): Component {
  return { name: 'commands', async start() {}, async stop() {} };
}

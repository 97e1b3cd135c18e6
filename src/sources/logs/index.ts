import type { AgentContext, Component } from '../../agent/context.ts';

/** Placeholder until log tailing lands (issue 3). */
export function createLogSource(_ctx: AgentContext): Component {
  return { name: 'logs', async start() {}, async stop() {} };
}

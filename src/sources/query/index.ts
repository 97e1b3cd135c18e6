import type { AgentContext, Component } from '../../agent/context.ts';

/** Placeholder until gamedig queries land (issue 4). */
export function createQuerySource(_ctx: AgentContext): Component {
  return { name: 'query', async start() {}, async stop() {} };
}

/** What the HTTP routes need from the agent (apart from fastify itself). */
import type { AgentContext } from '../agent/context.ts';

export interface HttpDeps {
  ctx: AgentContext;
  isReady(): boolean;
  /** Re-read and apply the config file; resolves with the error message when it was rejected. */
  reload(): Promise<{ ok: true } | { ok: false; error: string }>;
}

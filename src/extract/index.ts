import type { AgentContext } from '../agent/context.ts';
import { ExtractionEngine } from './engine.ts';

export { ExtractionEngine } from './engine.ts';

/** The agent's extraction engine; the log source reaches its snapshot helpers through `instanceof`. */
export function createExtraction(ctx: AgentContext): ExtractionEngine {
  return new ExtractionEngine(ctx);
}

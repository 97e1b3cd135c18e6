import type { AgentContext } from '../agent/context.ts';
import type { Extraction } from './types.ts';

/** Placeholder until the extraction engine lands (issue 3). */
export function createExtraction(_ctx: AgentContext): Extraction {
  return { line() {}, reply() {}, reload() {} };
}

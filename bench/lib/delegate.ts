/**
 * Scenarios whose measurement belongs to another part of the project (command rounds in
 * bench/commands, log throughput in bench/logs) are reused, not duplicated: the scenario
 * reports "unavailable" until that code exists.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './agent-process.ts';

/** The .ts files of a bench subdirectory, or [] when it does not exist. */
export function benchModules(subdir: string): string[] {
  const dir = path.join(REPO_ROOT, 'bench', subdir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

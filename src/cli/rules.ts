/**
 * `gust-agent rules [--config PATH] [--out DIR]`: writes alerts/gust-alerts.yml and
 * rules/gust-recording.yml under DIR (default: the current directory) from the thresholds in
 * the config. Without a config file at the resolved path, the documented defaults are used.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommonArgs } from './args.ts';
import { loadConfigFile, parseConfig, resolveConfigPath } from '../config/load.ts';
import { renderRuleFiles } from '../alerts/render-rules.ts';

export async function rulesCommand(args: string[]): Promise<number> {
  // parseCommonArgs' return type only knows --config; --out is declared here.
  const values = parseCommonArgs(args, { out: { type: 'string', short: 'o' } }).values as { config?: string; out?: string };
  const configPath = resolveConfigPath(values.config);
  // An explicit --config must exist; the default path may be absent (render the defaults).
  const config =
    values.config !== undefined || existsSync(configPath) ? (await loadConfigFile(configPath)).config : parseConfig('{}', 'defaults.yaml');
  const outDir = values.out ?? '.';
  for (const file of renderRuleFiles(config.alerts)) {
    const target = path.join(outDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text);
    process.stdout.write(`wrote ${target}\n`);
  }
  return 0;
}

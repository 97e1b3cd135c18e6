/**
 * `gust-agent discover` output: a `servers:` block ready to paste into config.yaml, each
 * entry under a comment saying where it was found and where each value came from. Passwords
 * are references (password_from), or ${ENV} placeholders when only a container's environment
 * holds them; never the value.
 */
import { stringify } from 'yaml';
import type { Found } from './types.ts';

export function renderServers(found: readonly Found[], failures: ReadonlyArray<{ source: string; error: string }> = []): string {
  const lines = [`# gust-agent discover: ${found.length} server${found.length === 1 ? '' : 's'} found (${new Date().toISOString()})`];
  for (const f of failures) lines.push(`# ${f.source} discovery failed: ${f.error}`);
  if (found.length === 0) return `${lines.join('\n')}\nservers: []\n`;
  lines.push('servers:');
  for (const f of found) {
    const server = structuredClone(f.server) as Found['server'] & { rcon?: { password?: string } };
    lines.push(`  # ${f.server.id}: ${f.server.game}, found by ${f.source}: ${f.from}`);
    for (const note of f.notes) lines.push(`  #   ${note}`);
    if (f.inlinePassword && server.rcon) {
      server.rcon.password = `\${${f.inlinePassword.env}}`;
      lines.push(`  #   rcon password: set ${f.inlinePassword.env} to ${f.inlinePassword.where} (not printed)`);
    }
    for (const problem of f.problems) lines.push(`  #   NOT READ: ${problem}`);
    const yaml = stringify([server], { lineWidth: 0, flowCollectionPadding: true });
    lines.push(...yaml.trimEnd().split('\n').map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

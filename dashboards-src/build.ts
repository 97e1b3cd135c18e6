/**
 * Renders dashboards/*.json from these sources. `node --import tsx dashboards-src/build.ts` writes them; the test
 * suite checks that the committed JSON is byte-identical to a fresh rendering.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import overview from './overview.ts';
import server from './server.ts';
import agent from './agent.ts';
import host from './host.ts';

export function renderDashboards(): Array<{ file: string; text: string }> {
  return [
    ['gust-overview.json', overview],
    ['gust-server.json', server],
    ['gust-agent.json', agent],
    ['gust-host.json', host],
  ].map(([file, dashboard]) => ({ file: file as string, text: `${JSON.stringify(dashboard, null, 2)}\n` }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(import.meta.dirname, '../dashboards');
  for (const { file, text } of renderDashboards()) {
    writeFileSync(path.join(dir, file), text);
    process.stdout.write(`wrote dashboards/${file}\n`);
  }
}

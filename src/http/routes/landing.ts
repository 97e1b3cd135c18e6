import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from '../deps.ts';
import { VERSION } from '../../version.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function landingRoute(deps: HttpDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (_request, reply) => {
      const { state, providers } = deps.ctx;
      const origin = (id: string) => {
        const d = providers.discovered?.(id);
        return d ? `discovered (${escape(d.source)}): ${escape(d.from)}${d.problems.length ? ` — ${d.problems.length} file(s) not readable` : ''}` : 'configured';
      };
      const rows = state
        .list()
        .map((s) => `<tr><td>${escape(s.id)}</td><td>${escape(s.name)}</td><td>${escape(s.game)}</td><td>${state.isUp(s.id) ? 'up' : 'down'}</td>` +
          `<td>${s.fields.playersOnline?.value ?? '-'} / ${s.fields.playersMax?.value ?? '-'}</td><td>${origin(s.id)}</td></tr>`)
        .join('\n');
      const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>gust-agent</title></head>
<body>
<h1>gust-agent ${escape(VERSION)}</h1>
<p>Monitoring agent for game-server hosts.</p>
<ul>
<li><a href="/metrics">Metrics</a></li>
<li><a href="/api/v1/servers">API: servers</a> (<a href="/api/v1/openapi.json">OpenAPI</a>)</li>
<li><a href="/-/healthy">Health</a> · <a href="/-/ready">Readiness</a></li>
</ul>
<h2>Servers</h2>
<table border="1" cellpadding="4"><tr><th>id</th><th>name</th><th>game</th><th>state</th><th>players</th><th>from</th></tr>
${rows || '<tr><td colspan="6">none</td></tr>'}
</table>
</body></html>
`;
      return reply.type('text/html; charset=utf-8').send(html);
    });
  };
}

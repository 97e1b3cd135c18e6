/**
 * A WebRCON password that cannot travel in the URL path (Rust takes it as the path: `#` starts
 * a fragment, `?` a query, whitespace breaks the request line) is refused before any
 * connection: sent truncated, it would count as a failed login towards Rust's IP ban.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../../src/config/secret.ts';
import { WebRconTransport } from '../../src/sources/commands/transports/webrcon.ts';
import { failureReason } from '../../src/sources/commands/transports/types.ts';
import { startHungFake } from '../fakes/hung.ts';

for (const password of ['a#b', 'a?b', 'a b']) {
  test(`WebRCON password ${JSON.stringify(password)}: auth failure with no connection made`, async () => {
    const server = await startHungFake();
    const transport = new WebRconTransport({ host: '127.0.0.1', port: server.port, password: new Secret(password), connectTimeoutMs: 1000 });
    try {
      const err = await transport.send('serverinfo', 500).then(() => undefined, (e: unknown) => e);
      assert.ok(err, 'refused');
      assert.equal(failureReason(err), 'auth', String(err));
      assert.ok(!String(err).includes(password), 'no password in the error');
      assert.equal(server.stats.connections, 0, 'no connection was made');
    } finally {
      transport.close();
      await server.close();
    }
  });
}

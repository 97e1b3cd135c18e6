/**
 * The Minecraft query against a server implementation written elsewhere: npm
 * `minecraft-protocol`'s createServer answers the Server List Ping as a Java server does.
 * With a 1 s deadline the query succeeds (gamedig's `minecraft` type alone waits for its UDP
 * probes up to the socket timeout), and players, max, version and a MOTD made of `extra`
 * components come through; a real client logging in and leaving moves the count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import mc from 'minecraft-protocol';
import { startAgent, seriesValue, eventually } from '../support/agent.ts';
import { motdText } from '../../src/sources/query/index.ts';

const VERSION = '1.20.1';

describe('Minecraft Server List Ping (minecraft-protocol server)', () => {
  it('answers within a 1 s deadline with players, max, version and the MOTD; a player joining and leaving is seen', async () => {
    const server = mc.createServer({
      'online-mode': false,
      host: '127.0.0.1',
      port: 0,
      version: VERSION,
      maxPlayers: 40,
      // A MOTD as modern servers send it: a chat component whose text is in nested `extra` parts.
      beforePing: (response) => ({
        ...response,
        description: { text: '', extra: [{ text: '§6Gust ', bold: true }, { text: 'Survival', extra: [{ text: '  §aEU', color: 'green' }] }] },
      }),
    });
    await new Promise<void>((r) => server.once('listening', () => r()));
    // The listening socket is not in the package's types.
    const { port } = (server as unknown as { socketServer: Server }).socketServer.address() as AddressInfo;
    // The package's own client pings once first: the server loads its protocol data on the
    // first connection, which is the test server's cold start, not the agent's deadline.
    await mc.ping({ host: '127.0.0.1', port, version: VERSION });
    const agent = await startAgent(`
servers:
  - id: mc
    game: minecraft
    query: { type: minecraft, host: 127.0.0.1, port: ${port}, interval: 200ms, timeout: 1s }
`);
    try {
      // Each query has 1 s; gamedig's minecraft type alone never finishes inside it.
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_server_probe_success{server="mc",source="query"}') === 1, 5_000, 'a query within its 1 s deadline');
      let text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_players_online{server="mc"}'), 0);
      assert.equal(seriesValue(text, 'gust_players_max{server="mc"}'), 40);
      assert.match(text, new RegExp(`gust_server_info\\{server="mc",game="minecraft",name="Gust Survival EU",map="",version="${VERSION}"\\} 1`));

      const joined = new Promise<mc.ServerClient>((r) => server.once('login', r));
      const client = mc.createClient({ host: '127.0.0.1', port, username: 'Steve', auth: 'offline', version: VERSION });
      client.on('error', () => {});
      const serverSide = await joined;
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="mc"}') === 1, 5_000, 'player online');
      const left = new Promise((r) => serverSide.once('end', r));
      client.end('bye');
      await left;
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="mc"}') === 0, 5_000, 'player gone');
      text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_server_up{server="mc"}'), 1);
    } finally {
      await agent.stop();
      server.close();
    }
  });

  it('flattens a MOTD of chat components, drops colour codes and extra whitespace', () => {
    assert.equal(motdText('§aHello  §lWorld'), 'Hello World');
    assert.equal(motdText({ text: 'A', extra: [{ text: 'B', extra: ['C', { text: 'D' }] }, 'E'] }), 'ABCDE');
    assert.equal(motdText(undefined), '');
  });
});

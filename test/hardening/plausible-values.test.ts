/**
 * Issue 19 defect 2: absurd numbers from a game server (command replies and query answers) are
 * rejected with the log rules' check 0 <= current <= max <= 1000, counted as reason="parse",
 * and never exported; the names a server reports are bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { startAgent, seriesValue, eventually, tempDir } from '../support/agent.ts';
import { startWebRconFake } from '../fakes/webrcon.ts';
import { startA2sFake } from '../fakes/a2s.ts';
import { implausible } from '../../src/state/player-counts.ts';

/** An exec "RCON" program: prints the reply for the `status` command given as last argument. */
function statusScript(dir: string, name: string, playersLine: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nprintf 'hostname: x\\nmap     : Procedural Map\\n${playersLine}\\n'\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('implausible values', () => {
  it('the shared check: bounds, NaN and Infinity', () => {
    assert.equal(implausible({ playersOnline: 3, playersMax: 50, tickRateHz: 30 }), undefined);
    assert.equal(implausible({ playersOnline: 1000, playersMax: 1000 }), undefined);
    assert.equal(implausible({ playersOnline: 12 }), undefined);
    for (const bad of [
      { playersOnline: -5, playersMax: 99_999_999 },
      { playersOnline: 1e23, playersMax: 100 },
      { playersOnline: 51, playersMax: 50 },
      { playersOnline: 1001 },
      { playersMax: 1001 },
      { playersOnline: Number.NaN, playersMax: 10 },
      { playersOnline: 2.5, playersMax: 10 },
      { tickRateHz: Number.POSITIVE_INFINITY },
      { memoryBytes: -1 },
      { playersQueued: Number.NaN },
    ]) assert.ok(implausible(bad), JSON.stringify(bad));
  });

  it('command replies: serverinfo with -5 of 99999999 and status with 1e23 players count as parse failures and are not exported', async () => {
    const rust = await startWebRconFake({ password: 'pw', players: -5, maxPlayers: 99_999_999 });
    const dir = tempDir();
    const huge = statusScript(dir, 'huge.sh', 'players : 100000000000000000000000 (100 max)');
    const fine = statusScript(dir, 'fine.sh', 'players : 3 (100 max)');
    const long = path.join(dir, 'long.sh');
    writeFileSync(long, `#!/bin/sh\nprintf 'hostname: ${'h'.repeat(5000)}\\nplayers : 1 (10 max)\\n'\n`);
    chmodSync(long, 0o755);
    const agent = await startAgent(`
auto_commands: { interval: 200ms, timeout: 2s, adaptive_interval: false }
servers:
  - id: rust
    game: rust
    rcon: { transport: webrcon, host: 127.0.0.1, port: ${rust.port}, password: pw }
    commands: [serverinfo]
  - id: huge
    game: rust
    rcon: { transport: exec, command: [${huge}] }
    commands: [status]
  - id: fine
    game: rust
    rcon: { transport: exec, command: [${fine}] }
    commands: [status]
  - id: long
    game: rust
    rcon: { transport: exec, command: [${long}] }
    commands: [status]
`);
    try {
      const text = await eventually(async () => {
        const t = await agent.scrape();
        return (seriesValue(t, 'gust_command_failures_total{server="huge",command="status",reason="parse"}') ?? 0) >= 1 &&
          (seriesValue(t, 'gust_command_failures_total{server="rust",command="serverinfo",reason="parse"}') ?? 0) >= 1 ? t : undefined;
      }, 10_000, 'parse failures');
      for (const id of ['rust', 'huge']) {
        assert.equal(seriesValue(text, `gust_players_online{server="${id}"}`), undefined, `${id}: no player count exported`);
        assert.equal(seriesValue(text, `gust_players_max{server="${id}"}`), undefined, `${id}: no max exported`);
        assert.equal(seriesValue(text, `gust_server_up{server="${id}"}`), 1, `${id}: a reply that answered still proves the server is up`);
      }
      assert.equal(seriesValue(text, 'gust_players_online{server="fine"}'), 3);
      assert.equal(seriesValue(text, 'gust_command_failures_total{server="fine",command="status",reason="parse"}'), 0);
      const name = /gust_server_info\{server="long",game="rust",name="(h*)"/.exec(text)?.[1];
      assert.equal(name?.length, 256, 'a 5,000-character hostname is cut to 256 characters');
    } finally {
      await agent.stop();
      await rust.close();
    }
  });

  it('query answers: more players than slots is rejected with reason parse', async () => {
    const a2s = await startA2sFake({ players: 50, maxPlayers: 10 });
    const agent = await startAgent(`
servers:
  - id: q
    game: source
    query: { type: teamfortress2, host: 127.0.0.1, port: ${a2s.port}, interval: 200ms, timeout: 2s }
`);
    try {
      const state = agent.agent.ctx.state.get('q')!;
      assert.equal(state.sources.query.lastErrorReason, 'parse');
      assert.match(state.sources.query.lastErrorMessage ?? '', /0 <= current <= max <= 1000/);
      const text = await agent.scrape();
      assert.equal(seriesValue(text, 'gust_players_online{server="q"}'), undefined);
      a2s.setPlayers(4);
      await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="q"}') === 4, 5_000, 'a plausible count is taken');
    } finally {
      await agent.stop();
      await a2s.close();
    }
  });
});

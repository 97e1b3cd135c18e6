/**
 * Discovered servers in the running agent: real game-named processes with real settings
 * files, the RCON fakes on the ports those files name, and no `servers:` entry at all.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, seriesValue, startAgent, tempDir, type TestAgent } from '../support/agent.ts';
import { startMinecraftFake, type MinecraftFake } from '../fakes/minecraft.ts';
import { startWebRconFake, type WebRconFake } from '../fakes/webrcon.ts';
import { parseConfig } from '../../src/config/load.ts';
import { materialize } from '../../src/discovery/materialize.ts';
import { runDiscovery } from '../../src/discovery/run.ts';
import { startGame, writeFiles, type GameProcess } from './processes.ts';

const BIN = path.join(import.meta.dirname, '../../bin/gust-agent');
const run = promisify(execFile);
const DISCOVERY = 'discovery: { enabled: true, interval: 200ms, remove_after: 1500ms, linuxgsm: [], docker: "" }\nauto_commands: { interval: 250ms, timeout: 2s }';

interface Servers {
  servers: Array<{ id: string; name: string; players: { online: number } | null; process_up: boolean | null; discovered: { source: string; from: string; problems: string[] } | null }>;
}

async function minecraftServer(root: string, name: string, fake: MinecraftFake, jar = 'server.jar'): Promise<{ dir: string; game: GameProcess }> {
  const dir = path.join(root, name);
  writeFiles(dir, { 'server.properties': `#Minecraft server properties\nenable-rcon=true\nrcon.port=${fake.port}\nrcon.password=mc pw\nserver-port=25565\nmotd=${name}\n` });
  return { dir, game: await startGame(path.join(dir, 'java'), ['-Xmx1G', '-jar', jar, 'nogui'], dir, 'java') };
}

describe('discovered servers in the agent', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  test('a Minecraft and a Rust server show their players without a servers: entry, process metrics from the found process; gone after remove_after', async () => {
    const root = tempDir('gust-disc-agent-');
    const mcFake = await startMinecraftFake({ password: 'mc pw', players: 3, maxPlayers: 20, listFormat: 'v116' });
    const rustFake = await startWebRconFake({ password: 'rustpw', players: 5 });
    cleanup.push(() => mcFake.close(), () => rustFake.close());
    const mc = await minecraftServer(root, 'agent-survival', mcFake);
    const rustDir = path.join(root, 'rust');
    const rust = await startGame(path.join(rustDir, 'RustDedicated'), ['-batchmode', '+server.port', '28015', '+rcon.port', String(rustFake.port), '+rcon.web', '1', '+rcon.password', 'rustpw', '+server.identity', 'agent_test'], rustDir, './RustDedicated');
    cleanup.push(() => mc.game.stop(), () => rust.stop());
    const agent: TestAgent = await startAgent(DISCOVERY);
    cleanup.push(() => agent.stop());

    await eventually(async () => {
      const text = await agent.scrape();
      return seriesValue(text, 'gust_players_online{server="agent-survival"}') === 3 && seriesValue(text, 'gust_players_online{server="agent_test"}') === 5;
    }, 15_000, 'players of both discovered servers');
    const text = await agent.scrape();
    assert.equal(seriesValue(text, 'gust_server_process_up{server="agent-survival"}'), 1);
    assert.ok((seriesValue(text, 'gust_server_process_resident_memory_bytes{server="agent_test"}') ?? 0) > 0);
    assert.ok((seriesValue(text, 'gust_discovery_servers{source="process"}') ?? 0) >= 2);
    assert.ok((seriesValue(text, 'gust_discovery_runs_total') ?? 0) >= 1);
    assert.equal(seriesValue(text, 'gust_discovery_failures_total{source="process"}'), 0);
    assert.ok(seriesValue(text, 'gust_discovery_duration_seconds') !== undefined);
    assert.equal(seriesValue(text, 'gust_servers_configured'), 0);
    // Found before the components started: its console stream reaches the Rust rules.
    rustFake.console('10.0.0.1:5000/76561198000000001/Bob joined [windows/76561198000000001]');
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_player_joins_total{server="agent_test"}') === 1, 5_000, 'a console join counted');

    const { servers } = (await (await fetch(`${agent.url}/api/v1/servers`)).json()) as Servers;
    const survival = servers.find((s) => s.id === 'agent-survival');
    assert.equal(survival?.players?.online, 3);
    assert.equal(survival?.discovered?.source, 'process');
    assert.equal(survival?.discovered?.from, `pid ${mc.game.pid} java in ${mc.dir}`);
    const landing = await (await fetch(agent.url)).text();
    assert.match(landing, new RegExp(`discovered \\(process\\): pid ${rust.pid} RustDedicated`));
    // Secrets stay out of the API, the landing page and the logs.
    for (const body of [JSON.stringify(servers), landing, agent.logs.join('')]) {
      assert.equal(body.includes('mc pw'), false);
      assert.equal(body.includes('rustpw'), false);
    }

    // The process ends: the server stays for remove_after (1.5 s), then goes.
    const stoppedAt = Date.now();
    await mc.game.stop();
    await eventually(async () => {
      const r = (await (await fetch(`${agent.url}/api/v1/servers`)).json()) as Servers;
      return !r.servers.some((s) => s.id === 'agent-survival');
    }, 10_000, 'agent-survival removed');
    assert.ok(Date.now() - stoppedAt >= 1500, `removed after ${Date.now() - stoppedAt} ms`);
    const after = await agent.scrape();
    assert.equal(seriesValue(after, 'gust_players_online{server="agent-survival"}'), undefined);
    assert.equal(seriesValue(after, 'gust_server_process_up{server="agent-survival"}'), undefined);
    assert.equal(seriesValue(after, 'gust_players_online{server="agent_test"}'), 5);
  });

  test('a configured server with the same id or the same RCON endpoint wins', async () => {
    const root = tempDir('gust-disc-agent-');
    const fake = await startMinecraftFake({ password: 'mc pw', players: 1 });
    const other = await startMinecraftFake({ password: 'mc pw', players: 2 });
    cleanup.push(() => fake.close(), () => other.close());
    const byId = await minecraftServer(root, 'lobby', fake);
    const byEndpoint = await minecraftServer(root, 'creative', other);
    cleanup.push(() => byId.game.stop(), () => byEndpoint.game.stop());
    const agent = await startAgent(`${DISCOVERY}
servers:
  - id: lobby
    name: Configured Lobby
    game: minecraft
  - id: mc-main
    game: minecraft
    rcon: { transport: source, host: localhost, port: ${other.port}, password: "mc pw" }
    commands: [list]
`);
    cleanup.push(() => agent.stop());
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_discovery_runs_total')! >= 2, 10_000, 'two discovery runs');
    const { servers } = (await (await fetch(`${agent.url}/api/v1/servers`)).json()) as Servers;
    const lobby = servers.find((s) => s.id === 'lobby');
    assert.equal(lobby?.name, 'Configured Lobby');
    assert.equal(lobby?.discovered, null);
    assert.equal(servers.some((s) => s.id === 'creative'), false);
    assert.ok(servers.some((s) => s.id === 'mc-main'));

    // A reload of the file keeps the discovered servers; without mc-main, creative is no longer shadowed.
    const header = readFileSync(agent.configPath, 'utf8').split('\nservers:')[0];
    writeFileSync(agent.configPath, `${header}\nservers:\n  - { id: lobby, name: Configured Lobby, game: minecraft }\n`);
    assert.deepEqual(await agent.agent.reload(), { ok: true });
    const ids = async () => ((await (await fetch(`${agent.url}/api/v1/servers`)).json()) as Servers).servers.map((s) => `${s.id}:${s.discovered?.source ?? 'configured'}`).filter((s) => /^(lobby|creative|mc-main):/.test(s)).sort();
    assert.deepEqual(await ids(), ['creative:process', 'lobby:configured']);
    await eventually(async () => seriesValue(await agent.scrape(), 'gust_players_online{server="creative"}') === 2, 10_000, 'creative polled');
    // Discovery turned off by a reload: only the configured server stays.
    writeFileSync(agent.configPath, readFileSync(agent.configPath, 'utf8').replace('enabled: true', 'enabled: false'));
    assert.deepEqual(await agent.agent.reload(), { ok: true });
    await eventually(async () => (await ids()).join() === 'lobby:configured', 5_000, 'discovered servers dropped');
  });

  test('discover output pasted into a config passes check-config and gives the same servers', async () => {
    const root = tempDir('gust-disc-cli-');
    const fake = await startMinecraftFake({ password: 'mc pw' });
    cleanup.push(() => fake.close());
    const mc = await minecraftServer(root, 'paste-me', fake, 'fabric-server-launch.jar');
    const rustDir = path.join(root, 'paste-rust');
    const rust = await startGame(path.join(rustDir, 'RustDedicated'), ['+rcon.port', '28916', '+rcon.password', 'r pw', '+server.identity', 'paste_rust'], rustDir, './RustDedicated');
    cleanup.push(() => mc.game.stop(), () => rust.stop());
    const settings = path.join(root, 'settings.yaml');
    writeFileSync(settings, 'discovery: { linuxgsm: [], docker: "" }\n');
    const { stdout: all } = await run(BIN, ['discover', '--config', settings]);
    assert.match(all, /^servers:$/m);
    assert.equal(all.includes('mc pw') || all.includes('r pw'), false);
    // Only this test's servers: others found on the host (other tests' processes) may end meanwhile.
    const [head, ...blocks] = all.split(/\n(?= {2}# \S+: )/);
    const stdout = `${[head, ...blocks.filter((b) => /^ {2}# (paste-me|paste_rust): /.test(b))].join('\n')}\n`;
    assert.match(stdout, /# paste-me: minecraft, found by process: pid \d+ java in /);
    const config = path.join(root, 'config.yaml');
    writeFileSync(config, `${stdout}state_dir: ${path.join(root, 'state')}\n`);
    const check = await run(BIN, ['check-config', '--config', config]);
    assert.match(check.stdout, /OK \(\d+ servers/);

    const pasted = parseConfig(stdout, config).servers;
    const { found } = await runDiscovery({ processes: true, linuxgsm: [], docker: '' });
    for (const id of ['paste-me', 'paste_rust']) {
      const f = found.find((x) => x.server.id === id);
      const made = f && materialize(f);
      assert.ok(made && 'server' in made, `${id} found`);
      const mine = pasted.find((s) => s.id === id);
      assert.ok(mine, `${id} in the pasted config`);
      assert.deepEqual(mine, made.server);
      assert.equal(mine.rcon?.password?.reveal(), made.server.rcon?.password?.reveal());
      assert.ok(mine.rcon?.password?.reveal());
    }
  });

  test('a settings file discovery may not read is reported (file and permission); the server is still added', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to drop CAP_DAC_OVERRIDE with setpriv');
    const root = tempDir('gust-disc-perm-');
    chmodSync(root, 0o755);
    const fake = await startMinecraftFake({ password: 'mc pw' });
    cleanup.push(() => fake.close());
    const mc = await minecraftServer(root, 'locked', fake);
    cleanup.push(() => mc.game.stop());
    chmodSync(path.join(mc.dir, 'server.properties'), 0o000);
    const settings = path.join(root, 'settings.yaml');
    writeFileSync(settings, 'discovery: { linuxgsm: [], docker: "" }\n');
    // Root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH reads files as an ordinary owner would.
    const { stdout } = await run('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search', '--', BIN, 'discover', '--config', settings]);
    const file = path.join(mc.dir, 'server.properties');
    assert.match(stdout, new RegExp(`# {3}NOT READ: ${file.replace(/[.]/g, '\\.')}: cannot read \\(EACCES\\); the agent's user \\(uid 0\\) needs read \\(r\\) permission on the file`));
    assert.match(stdout, /- id: locked\n {4}game: minecraft\n/);
    const entry = stdout.slice(stdout.indexOf('- id: locked'));
    assert.equal(/rcon:/.test(entry.split('\n  - id:')[0]!), false);
  });
});

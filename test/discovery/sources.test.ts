/**
 * Discovery sources against real processes (started under the games' executable names with
 * their command-line shapes, in directories holding real-format settings files), a
 * LinuxGSM-shaped tree, and a Docker Engine API served on a unix socket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { runDiscovery } from '../../src/discovery/run.ts';
import { materialize } from '../../src/discovery/materialize.ts';
import { renderServers } from '../../src/discovery/render.ts';
import type { Found } from '../../src/discovery/types.ts';
import { tempDir } from '../support/agent.ts';
import { startGame, writeFiles, type GameProcess } from './processes.ts';

const PROCESSES_ONLY = { processes: true, linuxgsm: [], docker: '' };

/** The found server whose process runs under `dir`. */
function foundIn(found: Found[], dir: string): Found {
  const f = found.find((x) => x.from.includes(dir) || x.key.includes(dir));
  assert.ok(f, `nothing found in ${dir}; found: ${found.map((x) => x.from).join(', ')}`);
  return f;
}

function password(f: Found): string | undefined {
  const made = materialize(f);
  assert.ok('server' in made, JSON.stringify(made));
  return made.server.rcon?.password?.reveal();
}

describe('running processes', () => {
  const root = tempDir('gust-disc-');
  const games: GameProcess[] = [];
  const dir = (rel: string) => path.join(root, rel);
  let found: Found[] = [];

  before(async () => {
    // Rust: started from its install dir as ./RustDedicated, like its start scripts do.
    games.push(await startGame(dir('rust/RustDedicated'), [
      '-batchmode', '+server.port', '28115', '+server.queryport', '28117', '+rcon.port', '28116', '+rcon.password', 'rust pw',
      '+rcon.web', '1', '+server.identity', 'EU Main #1', '+server.hostname', 'EU Main', '-logfile', 'logs/eu.log',
    ], dir('rust'), './RustDedicated'));
    // Minecraft flavours: java with the jar (or Forge's args file) in a dir with server.properties.
    writeFiles(dir('mc/survival'), {
      'server.properties': '#Minecraft server properties\n#Mon Jan 01 00:00:00 UTC 2024\nenable-rcon=true\nrcon.port=25675\nrcon.password=mc\\=pw\nserver-port=25665\nenable-query=true\nquery.port=25666\nmotd=Survival \\u00A7aFun\n',
    });
    games.push(await startGame(dir('mc/survival/java'), ['-Xms1G', '-Xmx4G', '-jar', 'paper-1.20.4-496.jar', '--nogui'], dir('mc/survival'), 'java'));
    writeFiles(dir('mc/modded'), { 'server.properties': 'enable-rcon=false\nserver-port=25765\n' });
    games.push(await startGame(dir('mc/modded/java'), ['@user_jvm_args.txt', '@libraries/net/neoforged/neoforge/20.4.80/unix_args.txt', 'nogui'], dir('mc/modded'), 'java'));
    // A java program that is not a Minecraft server is left alone.
    games.push(await startGame(dir('other/java'), ['-jar', 'app.jar'], dir('other'), 'java'));
    // CS2: runs in game/bin/linuxsteamrt64; server.cfg under game/csgo/cfg.
    writeFiles(dir('cs2/game/csgo/cfg'), { 'server.cfg': '// server.cfg\nhostname "My CS2"\nrcon_password "cs pw" // admin\nsv_lan 0\n' });
    games.push(await startGame(dir('cs2/game/bin/linuxsteamrt64/cs2'), ['-dedicated', '-port', '27115', '+map', 'de_dust2'], dir('cs2/game/bin/linuxsteamrt64'), './cs2'));
    // srcds with the password on the command line.
    games.push(await startGame(dir('tf2/srcds_linux'), ['-game', 'tf', '-port', '27215', '+rcon_password', 'tfpw', '+map', 'cp_badlands'], dir('tf2'), './srcds_linux'));
    // Valheim.
    games.push(await startGame(dir('valheim/valheim_server.x86_64'), ['-nographics', '-batchmode', '-name', 'Viking Home', '-port', '2556', '-world', 'Dedicated', '-password', 'secret', '-public', '1'], dir('valheim'), './valheim_server.x86_64'));
    // ARK: options on the command line, more in GameUserSettings.ini.
    writeFiles(dir('ark/ShooterGame/Saved/Config/LinuxServer'), {
      'GameUserSettings.ini': '[ServerSettings]\nServerPassword=\nServerAdminPassword=ark pw\nRCONEnabled=True\nRCONPort=27120\n[SessionSettings]\nSessionName=ARK One\n',
    });
    games.push(await startGame(dir('ark/ShooterGame/Binaries/Linux/ShooterGameServer'), ['TheIsland?listen?SessionName=ARK One?Port=7877?QueryPort=27115', '-server', '-log'], dir('ark/ShooterGame/Binaries/Linux'), './ShooterGameServer'));
    // Palworld: PalWorldSettings.ini's single OptionSettings line.
    writeFiles(dir('palworld/Pal/Saved/Config/LinuxServer'), {
      'PalWorldSettings.ini': '[/Script/Pal.PalGameWorldSettings]\nOptionSettings=(Difficulty=None,ServerName="Pal Island",ServerDescription="a, b",AdminPassword="pal pw",ServerPassword="",PublicPort=8311,RCONEnabled=True,RCONPort=25775,bUseAuth=True)\n',
    });
    games.push(await startGame(dir('palworld/Pal/Binaries/Linux/PalServer-Linux-Shipping'), ['Pal', '-port=8311', '-useperfthreads'], dir('palworld'), path.join(dir('palworld'), 'Pal/Binaries/Linux/PalServer-Linux-Shipping')));
    found = (await runDiscovery(PROCESSES_ONLY)).found;
  });
  after(async () => {
    await Promise.all(games.map((g) => g.stop()));
  });

  test('Rust: ports, WebRCON, identity as id, -logfile, password referenced on the command line', () => {
    const f = foundIn(found, dir('rust'));
    assert.equal(f.source, 'process');
    assert.deepEqual(f.server, {
      id: 'eu-main-1',
      name: 'EU Main',
      game: 'rust',
      logs: [{ path: dir('rust/logs/eu.log') }],
      rcon: { transport: 'webrcon', port: 28116, password_from: { process: 'RustDedicated', cwd: dir('rust'), arg: '+rcon.password' } },
      commands: ['serverinfo'],
      query: { type: 'rust', port: 28117 },
      process: { name: 'RustDedicated', cwd: dir('rust') },
    });
    assert.equal(password(f), 'rust pw');
  });

  test('Minecraft (Paper): server.properties rcon and query, latest.log, directory name as id', () => {
    const f = foundIn(found, dir('mc/survival'));
    assert.deepEqual(f.server, {
      id: 'survival',
      name: 'Survival §aFun',
      game: 'minecraft',
      logs: [{ path: dir('mc/survival/logs/latest.log') }],
      rcon: { transport: 'source', port: 25675, password_from: { file: dir('mc/survival/server.properties'), key: 'rcon.password' } },
      commands: ['list'],
      query: { type: 'minecraft', port: 25666 },
      process: { name: 'java', cwd: dir('mc/survival') },
    });
    assert.equal(password(f), 'mc=pw');
    assert.match(f.notes.join('\n'), /Paper server/);
  });

  test('Minecraft (NeoForge args file) without RCON; other java programs are not servers', () => {
    const f = foundIn(found, dir('mc/modded'));
    assert.equal(f.server.id, 'modded');
    assert.equal(f.server.rcon, undefined);
    assert.match(f.notes.join('\n'), /NeoForge server/);
    assert.equal(found.some((x) => x.from.includes(dir('other'))), false);
  });

  test('CS2: -port, rcon_password from server.cfg under game/csgo/cfg', () => {
    const f = foundIn(found, dir('cs2'));
    assert.equal(f.server.id, 'cs2');
    assert.deepEqual(f.server.rcon, { transport: 'source', port: 27115, password_from: { file: dir('cs2/game/csgo/cfg/server.cfg'), key: 'rcon_password' } });
    assert.deepEqual(f.server.query, { type: 'counterstrike2', port: 27115 });
    assert.equal(password(f), 'cs pw');
  });

  test('srcds: +rcon_password on the command line', () => {
    const f = foundIn(found, dir('tf2'));
    assert.equal(f.server.id, 'tf2');
    assert.deepEqual(f.server.rcon, { transport: 'source', port: 27215, password_from: { process: 'srcds_linux', cwd: dir('tf2'), arg: '+rcon_password' } });
    assert.equal(password(f), 'tfpw');
  });

  test('Valheim: -world as id, -name, query on -port + 1, no RCON', () => {
    const f = foundIn(found, dir('valheim'));
    assert.deepEqual(f.server, {
      id: 'dedicated', name: 'Viking Home', game: 'valheim', query: { type: 'valheim', port: 2557 },
      process: { name: 'valheim_server.x86_64', cwd: dir('valheim') },
    });
  });

  test('ARK: RCONEnabled/RCONPort/ServerAdminPassword from GameUserSettings.ini, QueryPort from the command line', () => {
    const f = foundIn(found, dir('ark'));
    assert.equal(f.server.id, 'ark');
    assert.equal(f.server.name, 'ARK One');
    assert.deepEqual(f.server.rcon, { transport: 'source', port: 27120, password_from: { file: dir('ark/ShooterGame/Saved/Config/LinuxServer/GameUserSettings.ini'), key: 'ServerAdminPassword' } });
    assert.deepEqual(f.server.query, { type: 'arkse', port: 27115 });
    assert.equal(password(f), 'ark pw');
  });

  test('Palworld: OptionSettings RCONEnabled/RCONPort/AdminPassword', () => {
    const f = foundIn(found, dir('palworld'));
    assert.equal(f.server.id, 'palworld');
    assert.equal(f.server.name, 'Pal Island');
    assert.deepEqual(f.server.rcon, { transport: 'source', port: 25775, password_from: { file: dir('palworld/Pal/Saved/Config/LinuxServer/PalWorldSettings.ini'), key: 'AdminPassword' } });
    assert.deepEqual(f.server.commands, ['showplayers']);
    assert.equal(password(f), 'pal pw');
  });

  test('ids are stable across restarts and unique: the same directory name twice gets a suffix from where it is', async () => {
    const ids = (list: Found[]) => list.filter((f) => f.key.includes(root)).map((f) => `${f.key}=${f.server.id}`).sort();
    const before = ids(found);
    // Restarted: a new pid, same command line and directory.
    const valheim = games.find((g) => g.child.spawnfile.endsWith('valheim_server.x86_64'))!;
    await valheim.stop();
    games.push(await startGame(dir('valheim/valheim_server.x86_64'), ['-name', 'Viking Home', '-port', '2556', '-world', 'Dedicated'], dir('valheim'), './valheim_server.x86_64'));
    // A second Minecraft server in another directory named "survival".
    writeFiles(dir('eu/survival'), { 'server.properties': 'enable-rcon=false\n' });
    games.push(await startGame(dir('eu/survival/java'), ['-jar', 'server.jar', 'nogui'], dir('eu/survival'), 'java'));
    const held = (list: Found[]) => new Map(list.map((f) => [f.key, f.server.id]));
    const again = (await runDiscovery(PROCESSES_ONLY, held(found))).found;
    const now = ids(again);
    for (const entry of before) assert.ok(now.includes(entry), `${entry} kept its id`);
    const second = foundIn(again, dir('eu/survival'));
    assert.match(second.server.id, /^survival-[0-9a-f]{6}$/);
    // The first one restarted (now the higher pid): each keeps its id, with or without the ids held before.
    const fresh = ids((await runDiscovery(PROCESSES_ONLY)).found);
    const first = games.find((g) => g.child.spawnfile === dir('mc/survival/java'))!;
    await first.stop();
    games.push(await startGame(dir('mc/survival/java'), ['-Xms1G', '-Xmx4G', '-jar', 'paper-1.20.4-496.jar', '--nogui'], dir('mc/survival'), 'java'));
    const third = (await runDiscovery(PROCESSES_ONLY, held(again))).found;
    assert.equal(foundIn(third, dir('eu/survival')).server.id, second.server.id);
    assert.equal(foundIn(third, dir('mc/survival')).server.id, 'survival');
    assert.deepEqual(ids((await runDiscovery(PROCESSES_ONLY)).found), fresh);
  });

  test('discover output names where values came from and never holds a password', () => {
    const text = renderServers(found);
    for (const secret of ['rust pw', 'mc=pw', 'mc\\=pw', 'cs pw', 'tfpw', 'ark pw', 'pal pw']) assert.equal(text.includes(secret), false, secret);
    assert.match(text, /# eu-main-1: rust, found by process: pid \d+ RustDedicated in /);
    assert.match(text, /password from \+rcon\.password on the command line/);
  });
});

describe('LinuxGSM', () => {
  const homes = tempDir('gust-lgsm-');
  const games: GameProcess[] = [];
  after(() => Promise.all(games.map((g) => g.stop())));

  test('instances whose servers run under serverfiles: instance name as id, console log, password from the LinuxGSM config', async () => {
    const rustHome = path.join(homes, 'rustuser');
    writeFiles(path.join(rustHome, 'lgsm/config-lgsm/rustserver'), {
      '_default.cfg': '#### Game Server Settings ####\nip="0.0.0.0"\nport="28215"\nrconport="28216"\nrconpassword="CHANGE_ME"\nrconweb="1"\nservername="Rust"\n',
      'common.cfg': '# common settings\n',
      'rustserver.cfg': '# instance settings\nrconpassword="lgsm pw"\n',
    });
    games.push(await startGame(path.join(rustHome, 'serverfiles/RustDedicated'), [
      '-batchmode', '+server.ip', '0.0.0.0', '+server.port', '28215', '+rcon.ip', '0.0.0.0', '+rcon.port', '28216', '+rcon.web', '1',
      '+rcon.password', 'lgsm pw', '+server.identity', 'rustserver', '-logfile', `${rustHome}/log/console/rustserver-console.log`,
    ], path.join(rustHome, 'serverfiles'), './RustDedicated'));
    // Valheim has no RCON endpoint to tell two finds apart: only LinuxGSM claiming its process does.
    const vhHome = path.join(homes, 'vhuser');
    writeFiles(path.join(vhHome, 'lgsm/config-lgsm/vhserver'), { '_default.cfg': 'port="2556"\nservername="Valheim"\nworldname="Dedicated"\n', 'vhserver.cfg': '' });
    games.push(await startGame(path.join(vhHome, 'serverfiles/valheim_server.x86_64'), ['-name', 'Valheim', '-port', '2556', '-world', 'Dedicated'], path.join(vhHome, 'serverfiles'), './valheim_server.x86_64'));

    const { found, failures } = await runDiscovery({ processes: true, linuxgsm: [path.join(homes, '*')], docker: '' });
    assert.deepEqual(failures, []);
    const rust = foundIn(found, rustHome);
    assert.equal(rust.source, 'linuxgsm');
    assert.equal(rust.server.id, 'rustserver');
    assert.deepEqual(rust.server.rcon, { transport: 'webrcon', port: 28216, password_from: { file: path.join(rustHome, 'lgsm/config-lgsm/rustserver/rustserver.cfg'), key: 'rconpassword' } });
    assert.deepEqual(rust.server.logs, [{ path: path.join(rustHome, 'log/console/rustserver-console.log') }]);
    assert.equal(password(rust), 'lgsm pw');
    const mine = found.filter((x) => x.key.includes(homes) || x.from.includes(homes));
    assert.deepEqual(mine.map((x) => `${x.source}:${x.server.id}`).sort(), ['linuxgsm:rustserver', 'linuxgsm:vhserver']);
    // Stopped: the instance is not reported (its files stay).
    await games[0]!.stop();
    const afterStop = await runDiscovery({ processes: true, linuxgsm: [path.join(homes, '*')], docker: '' });
    assert.deepEqual(afterStop.found.filter((x) => x.key.includes(homes)).map((x) => x.server.id), ['vhserver']);
  });
});

/** Docker Engine API (v1.43 shapes) on a unix socket: GET /containers/json and /containers/{id}/json. */
async function dockerApi(socket: string, containers: Array<Record<string, unknown>>): Promise<{ requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.43' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/containers/json') {
      return send(200, containers.map((c) => ({
        Id: c.Id, Names: [c.Name], Image: (c.Config as { Image: string }).Image, ImageID: 'sha256:0', Command: '/start', Created: 1700000000,
        Ports: [], Labels: (c.Config as { Labels: unknown }).Labels, State: 'running', Status: 'Up 2 hours', HostConfig: { NetworkMode: 'bridge' },
        NetworkSettings: { Networks: {} }, Mounts: c.Mounts,
      })));
    }
    const m = /^\/containers\/([^/]+)\/json$/.exec(req.url ?? '');
    const c = m && containers.find((x) => x.Id === decodeURIComponent(m[1]!));
    if (c) return send(200, c);
    send(404, { message: `No such container: ${req.url}` });
  });
  server.listen(socket);
  await once(server, 'listening');
  return { requests, close: () => new Promise((r) => server.close(() => r())) };
}

function container(id: string, name: string, image: string, extra: { env?: string[]; labels?: Record<string, string>; mounts?: Array<{ Source: string; Destination: string }>; ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null>; ip?: string }) {
  return {
    Id: id, Name: `/${name}`, Created: '2024-01-01T00:00:00Z', Path: '/start', Args: [],
    State: { Status: 'running', Running: true, Paused: false, Pid: 4242, ExitCode: 0 },
    Config: { Hostname: id.slice(0, 12), Image: image, Env: ['PATH=/usr/bin', ...(extra.env ?? [])], Labels: extra.labels ?? {} },
    HostConfig: { NetworkMode: 'bridge' },
    Mounts: (extra.mounts ?? []).map((m) => ({ Type: 'bind', Source: m.Source, Destination: m.Destination, Mode: '', RW: true, Propagation: 'rprivate' })),
    NetworkSettings: { Ports: extra.ports ?? {}, Networks: { bridge: { IPAddress: extra.ip ?? '' } } },
  };
}

describe('Docker containers', () => {
  test('labels, itzg/minecraft-server through its /data volume, Wings servers; passwords only referenced', async () => {
    const dir = tempDir('gust-docker-');
    const socket = path.join(dir, 'docker.sock');
    writeFiles(path.join(dir, 'mc-data'), { 'server.properties': 'enable-rcon=true\nrcon.port=25575\nrcon.password=itzg pw\n' });
    writeFiles(path.join(dir, 'ptero/0a1b2c3d-1111-2222-3333-444455556666'), { 'server.properties': 'enable-rcon=true\nrcon.port=25576\nrcon.password=wings pw\n' });
    const api = await dockerApi(socket, [
      container('a'.repeat(64), 'mc', 'itzg/minecraft-server:java21', {
        env: ['EULA=TRUE', 'TYPE=PAPER', 'RCON_PASSWORD=itzg pw'], mounts: [{ Source: path.join(dir, 'mc-data'), Destination: '/data' }],
        ports: { '25565/tcp': [{ HostIp: '0.0.0.0', HostPort: '25565' }], '25575/tcp': [{ HostIp: '0.0.0.0', HostPort: '35575' }] },
      }),
      container('b'.repeat(64), 'rust-eu', 'didstopia/rust-server:latest', {
        env: ['RUST_RCON_PASSWORD=env pw'],
        labels: { 'gust.game': 'rust', 'gust.id': 'rust-eu', 'gust.rcon.port': '28016', 'gust.rcon.password_env': 'RUST_RCON_PASSWORD', 'gust.logs': '/steamcmd/rust/server.log' },
        mounts: [{ Source: path.join(dir, 'rust'), Destination: '/steamcmd/rust' }], ip: '172.17.0.3',
      }),
      container('c'.repeat(64), '0a1b2c3d-1111-2222-3333-444455556666', 'ghcr.io/pterodactyl/yolks:java_17', {
        env: ['P_SERVER_UUID=0a1b2c3d-1111-2222-3333-444455556666', 'SERVER_PORT=25566', 'STARTUP=java -jar server.jar'],
        labels: { Service: 'Pterodactyl', ContainerType: 'server_process' },
        mounts: [{ Source: path.join(dir, 'ptero/0a1b2c3d-1111-2222-3333-444455556666'), Destination: '/home/container' }],
        ports: { '25576/tcp': [{ HostIp: '10.0.0.5', HostPort: '25576' }] },
      }),
      container('d'.repeat(64), 'redis', 'redis:7', {}),
      container('1'.repeat(64), 'rust-env', 'docker.io/didstopia/rust-server:latest', {
        env: ['RUST_SERVER_IDENTITY=docker_rust', 'RUST_RCON_PORT=28016', 'RUST_RCON_PASSWORD=didstopia pw'],
        ports: { '28016/tcp': [{ HostIp: '127.0.0.1', HostPort: '38016' }] },
      }),
      container('2'.repeat(64), 'mc-novolume', 'itzg/minecraft-server', { env: ['RCON_PASSWORD=novol pw'], ip: '172.17.0.9' }),
      container('f'.repeat(64), 'quake', 'quake:latest', { labels: { 'gust.game': 'quake', 'gust.rcon.port': '27960' } }),
      container('e'.repeat(64), 'skipped', 'itzg/minecraft-server', { labels: { 'gust.enable': 'false' } }),
    ]);
    try {
      const { found, failures } = await runDiscovery({ processes: false, linuxgsm: [], docker: socket });
      // A container with a bad label is reported; the others are still found.
      assert.deepEqual(failures, [{ source: 'docker', error: 'container quake: label gust.game="quake" is not one of rust, minecraft, source, valheim, ark, palworld, generic' }]);
      assert.deepEqual(found.map((f) => f.server.id).sort(), ['0a1b2c3d', 'docker_rust', 'mc', 'mc-novolume', 'rust-eu']);
      const didstopia = found.find((f) => f.server.id === 'docker_rust')!;
      assert.deepEqual(didstopia.server.rcon, { transport: 'webrcon', host: '127.0.0.1', port: 38016 });
      assert.deepEqual(didstopia.server.commands, ['serverinfo']);
      assert.equal(password(didstopia), 'didstopia pw');
      const novolume = found.find((f) => f.server.id === 'mc-novolume')!;
      assert.deepEqual(novolume.server.rcon, { transport: 'source', host: '172.17.0.9', port: 25575 });
      assert.equal(password(novolume), 'novol pw');
      const mc = found.find((f) => f.server.id === 'mc')!;
      assert.equal(mc.source, 'docker');
      assert.deepEqual(mc.server.rcon, { transport: 'source', host: '127.0.0.1', port: 35575, password_from: { file: path.join(dir, 'mc-data/server.properties'), key: 'rcon.password' } });
      assert.deepEqual(mc.server.logs, [{ path: path.join(dir, 'mc-data/logs/latest.log') }]);
      assert.deepEqual(mc.server.process, { container: 'mc' });
      assert.equal(password(mc), 'itzg pw');
      const rust = found.find((f) => f.server.id === 'rust-eu')!;
      assert.deepEqual(rust.server.rcon, { transport: 'webrcon', host: '172.17.0.3', port: 28016 });
      assert.deepEqual(rust.server.logs, [{ path: path.join(dir, 'rust/server.log') }]);
      assert.equal(password(rust), 'env pw');
      const wings = found.find((f) => f.server.id === '0a1b2c3d')!;
      assert.deepEqual(wings.server.rcon, { transport: 'source', host: '10.0.0.5', port: 25576, password_from: { file: path.join(dir, 'ptero/0a1b2c3d-1111-2222-3333-444455556666/server.properties'), key: 'rcon.password' } });
      const text = renderServers(found);
      for (const secret of ['itzg pw', 'env pw', 'wings pw', 'didstopia pw', 'novol pw']) assert.equal(text.includes(secret), false, secret);
      assert.match(text, /password: \$\{GUST_RUST_EU_RCON_PASSWORD\}/);
      assert.ok(api.requests.includes('/containers/json'));
    } finally {
      await api.close();
    }
  });

  test('no Docker socket is not a failure; an API error is', async () => {
    const dir = tempDir('gust-docker-');
    assert.deepEqual((await runDiscovery({ processes: false, linuxgsm: [], docker: path.join(dir, 'absent.sock') })).failures, []);
    const socket = path.join(dir, 'broken.sock');
    const server = http.createServer((_req, res) => res.writeHead(500).end('{"message":"boom"}'));
    server.listen(socket);
    await once(server, 'listening');
    try {
      const { failures } = await runDiscovery({ processes: false, linuxgsm: [], docker: socket });
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.source, 'docker');
      assert.match(failures[0]!.error, /HTTP 500/);
    } finally {
      server.close();
    }
  });
});

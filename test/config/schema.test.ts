/**
 * The validator on YAML strings (parseConfig is pure but for secret files): every message says
 * FILE:LINE: key.path: what was expected, got what was there; secrets never show. Fast on
 * purpose: StrykerJS runs this file first for every mutant of src/config/ it reaches.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFile, parseConfig } from '../../src/config/load.ts';
import { ConfigError, GustError } from '../../src/errors.ts';
import { MAX_SECRET_BYTES } from '../../src/config/read-file.ts';

const FILE = '/x/config.yaml';

/** The problems a config gives, one string each (in the loader's order). */
function problems(yaml: string, env: NodeJS.ProcessEnv = {}, file = FILE): string[] {
  try {
    parseConfig(yaml, file, { env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    assert.equal(err.code, 'GUST_CONFIG_INVALID');
    assert.equal(err.message, err.problems.join('\n'));
    return err.problems;
  }
  assert.fail('the config was accepted');
}

const parse = (yaml: string, env: NodeJS.ProcessEnv = {}, file = FILE) => parseConfig(yaml, file, { env });

describe('where a problem is: file name, line, key path', () => {
  test('the top level must be a mapping; an empty file is the defaults', () => {
    assert.deepEqual(problems('- a\n- b\n'), ['config.yaml:1: expected a mapping at the top level']);
    assert.deepEqual(problems('\n\n42\n'), ['config.yaml:1: expected a mapping at the top level']);
    const empty = parse('# only a comment\n');
    assert.equal(empty.listen.port, 9720);
    assert.deepEqual([empty.api.tokens, empty.servers, empty.rules], [[], [], []]);
    assert.deepEqual(parse('servers: [ { id: a } ]\n').servers[0]!.logs, []);
  });
  test('YAML syntax errors: at most three, each with its line and the first line of the parser message', () => {
    assert.deepEqual(problems('x: 1\nx: 2\nx: 3\nx: 4\nx: 5\n'), [
      'config.yaml:2: Map keys must be unique',
      'config.yaml:3: Map keys must be unique',
      'config.yaml:4: Map keys must be unique',
    ]);
    assert.deepEqual(problems('a: [1\nb: {\nc: "x\n'), [
      'config.yaml:2: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'config.yaml:3: Flow map in block collection must be sufficiently indented and end with a }',
      'config.yaml:4: Missing closing "quote',
    ]);
    assert.equal(problems('x: 1\nx: 2\n').join('\n'), 'config.yaml:2: Map keys must be unique');
    assert.equal(problems('a:\n  b: 1\n c: 2\n', {}, '/etc/gust/other.yml')[0]!.startsWith('other.yml:'), true);
  });
  test('the line is the line of the key, also inside lists and flow mappings; a missing key gives its parent', () => {
    const text = [
      'listen:', //                          1
      '  host: 127.0.0.1', //                2
      'servers:', //                         3
      '  - id: a', //                        4
      '  - id: b', //                        5
      '    rcon:', //                        6
      '      transport: exec', //            7
      '    logs:', //                        8
      '      - { path: /a }', //             9
      '      - { path: "", long_lines: x }', // 10
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:10: servers[1].logs[1].path: Too small: expected string to have >=1 characters, got ""',
      'config.yaml:10: servers[1].logs[1].long_lines: expected one of "skip", "truncate", got "x"',
    ]);
    // `command` is missing: the message points at the rcon section that lacks it.
    assert.deepEqual(problems(text.split('\n').slice(0, 7).join('\n')), ['config.yaml:6: servers[1].rcon: the exec transport needs "command"']);
  });
  test('a problem inside an alias (*name) is reported at the key that uses it', () => {
    const text = 'servers:\n  - id: a\n    logs: &logs [ { path: /x, max_line_length: 10 } ]\n  - id: b\n    logs: *logs\n';
    assert.deepEqual(problems(text), [
      'config.yaml:3: servers[0].logs[0].max_line_length: expected a size such as "64KiB" or "10MiB", got 10',
      'config.yaml:5: servers[1].logs[0].max_line_length: expected a size such as "64KiB" or "10MiB", got 10',
    ]);
  });
});

describe('what was expected and what was there', () => {
  test('types are named in words; the value found is shown as JSON', () => {
    const text = [
      'listen: { host: 5 }',
      'api: { metrics_auth: 1 }',
      'host: { filesystems_exclude: "x" }',
      'alerts: { agent_cpu_ratio: "x", host_cpu: { warning: "hi" } }',
      'auto_commands: { retries: 1.5 }',
      'log_files: []',
      'rules: x',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:1: listen.host: expected a string, got 5',
      'config.yaml:2: api.metrics_auth: expected true or false, got 1',
      'config.yaml:3: host.filesystems_exclude: expected a list, got "x"',
      'config.yaml:5: auto_commands.retries: expected an integer from 0 to 10, got 1.5',
      'config.yaml:6: log_files: expected a mapping, got []',
      'config.yaml:4: alerts.agent_cpu_ratio: expected a number, got "x"',
      'config.yaml:4: alerts.host_cpu.warning: expected a number, got "hi"',
      'config.yaml:7: rules: expected a list, got "x"',
    ]);
  });
  test('a missing required key: "got nothing"', () => {
    assert.deepEqual(problems('servers:\n  - name: x\n'), ['config.yaml:2: servers[0].id: expected a server id matching [a-z0-9_-]{1,32}, got nothing']);
  });
  test('unions (command, process) say no form matches; enums list their values', () => {
    const text = 'servers:\n  - id: a\n    process: { pid_file: x, name: y }\n    rcon: { transport: telnet, port: 1 }\n    commands: [ {} ]\n';
    assert.deepEqual(problems(text), [
      'config.yaml:4: servers[0].rcon.transport: expected one of "source", "webrcon", "exec", got "telnet"',
      'config.yaml:5: servers[0].commands[0]: does not match any allowed form, got {}',
      'config.yaml:3: servers[0].process: does not match any allowed form, got {"pid_file":"x","name":"y"}',
    ]);
  });
  test('bounds and units: integers, ratios, durations and sizes say what they accept', () => {
    const text = [
      'listen: { port: -1 }',
      'alerts: { server_nearly_full_ratio: 1.5, cache_hit_ratio_min: -0.1, host_cpu: { critical: x } }',
      'cache: { ttl: 10, max_entries: 0 }',
      'servers:',
      '  - id: a',
      '    logs: [ { path: /x, max_line_length: 10 }, { path: /y, max_line_length: lots } ]',
      '    rcon: { transport: source, port: 0 }',
      '  - id: 5',
      'rules:',
      '  - { name: 1x, match: y, metric: gust_x }',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:1: listen.port: expected an integer from 0 to 65535, got -1',
      'config.yaml:3: cache.ttl: expected a duration such as "500ms", "10s", "5m", got 10',
      'config.yaml:3: cache.max_entries: expected an integer from 1 to 10000000, got 0',
      'config.yaml:2: alerts.server_nearly_full_ratio: expected a number from 0 to 1, got 1.5',
      'config.yaml:2: alerts.cache_hit_ratio_min: expected a number from 0 to 1, got -0.1',
      'config.yaml:2: alerts.host_cpu.critical: expected a number, got "x"',
      'config.yaml:6: servers[0].logs[0].max_line_length: expected a size such as "64KiB" or "10MiB", got 10',
      'config.yaml:6: servers[0].logs[1].max_line_length: expected a size such as "64KiB" or "10MiB", got "lots"',
      'config.yaml:7: servers[0].rcon.port: expected an integer from 1 to 65535, got 0',
      'config.yaml:8: servers[1].id: expected a server id matching [a-z0-9_-]{1,32}, got 5',
      'config.yaml:10: rules[0].name: expected a rule name [a-zA-Z_][a-zA-Z0-9_]*, got "1x"',
    ]);
    assert.deepEqual(problems('cache: { redis: {} }\ncluster: { mode: shard, member_id: 5 }\n'), [
      'config.yaml:2: cluster.member_id: expected a member id matching [A-Za-z0-9_.-]{1,64}, got 5',
    ]);
    const edges = parse('listen: { port: 65535 }\nalerts: { server_nearly_full_ratio: 1, cache_hit_ratio_min: 0 }\ncache: { ttl: "1h30m" }\nservers:\n  - { id: a, logs: [ { path: /x, max_line_length: 1MiB } ] }\n');
    assert.equal(edges.listen.port, 65535);
    assert.equal(edges.alerts.server_nearly_full_ratio, 1);
    assert.equal(edges.alerts.cache_hit_ratio_min, 0);
    assert.equal(edges.cache.ttl, 5_400_000);
    assert.equal(edges.servers[0]!.logs[0]!.max_line_length, 1024 * 1024);
  });
  test('names: server ids, member ids, rule names, metric names, flags, the Redis database are matched whole', () => {
    const text = [
      'servers:',
      `  - id: "${'a'.repeat(32)}"`,
      `  - id: "${'b'.repeat(33)}"`,
      '  - id: "eu main"',
      '  - id: ""',
      '  - id: "-x_1"',
      'cache: { redis: { url: "redis://h/x/0" } }',
      `cluster: { mode: shard, member_id: "${'m'.repeat(64)}", heartbeat: 1s, member_ttl: 2s, lease_ttl: 2s }`,
      'rules:',
      '  - { name: "a b", match: x, metric: "xgust_a", flags: "ig" }',
      '  - { name: "_Ok9", match: x, metric: "gust_a b", flags: "gi" }',
      '  - { name: "ok", match: x, metric: "gust_", flags: "imsu" }',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:7: cache.redis.url: the database (the URL path) must be a number, e.g. /0, got "redis://h/x/0"',
      `config.yaml:3: servers[1].id: expected a server id matching [a-z0-9_-]{1,32}, got "${'b'.repeat(33)}"`,
      'config.yaml:4: servers[2].id: expected a server id matching [a-z0-9_-]{1,32}, got "eu main"',
      'config.yaml:5: servers[3].id: expected a server id matching [a-z0-9_-]{1,32}, got ""',
      'config.yaml:10: rules[0].name: expected a rule name [a-zA-Z_][a-zA-Z0-9_]*, got "a b"',
      'config.yaml:10: rules[0].flags: expected regex flags among i, m, s, u, got "ig"',
      'config.yaml:10: rules[0].metric: expected a metric name starting with gust_, got "xgust_a"',
      'config.yaml:11: rules[1].flags: expected regex flags among i, m, s, u, got "gi"',
      'config.yaml:11: rules[1].metric: expected a metric name starting with gust_, got "gust_a b"',
    ]);
    assert.deepEqual(problems(`cache: { redis: { url: "redis://h/0x" } }\ncluster: { mode: shard, member_id: "${'m'.repeat(65)}" }\n`), [
      'config.yaml:1: cache.redis.url: the database (the URL path) must be a number, e.g. /0, got "redis://h/0x"',
      `config.yaml:2: cluster.member_id: expected a member id matching [A-Za-z0-9_.-]{1,64}, got "${'m'.repeat(65)}"`,
    ]);
    assert.equal(parse('cache: { redis: {} }\ncluster: { mode: shard, member_id: "A.b-c_9" }\n').cluster!.member_id, 'A.b-c_9');
  });
  test('unknown keys, each on the line of the key', () => {
    assert.deepEqual(problems('listen:\n  port: 1\n  hots: x\n  prot: 2\ncahce: {}\n'), [
      'config.yaml:3: listen.hots: unknown key',
      'config.yaml:4: listen.prot: unknown key',
      'config.yaml:5: cahce: unknown key',
    ]);
  });
  test('the Redis URL: parseable, redis:// or rediss://, a host, a numeric database', () => {
    const url = (u: string) => problems(`cache: { redis: { url: "${u}" } }\n`);
    assert.deepEqual(url('not a url'), ['config.yaml:1: cache.redis.url: expected a URL such as redis://[:password@]host:port/db (port 1-65535), got "not a url"']);
    assert.deepEqual(url('http://h:1/0'), ['config.yaml:1: cache.redis.url: expected a redis:// or rediss:// URL, got "http://h:1/0"']);
    assert.deepEqual(url('rediss:///0'), ['config.yaml:1: cache.redis.url: the Redis URL has no host, got "rediss:///0"']);
    assert.deepEqual(url('redis://h/x'), ['config.yaml:1: cache.redis.url: the database (the URL path) must be a number, e.g. /0, got "redis://h/x"']);
    for (const good of ['redis://h', 'redis://h/', 'redis://h:6380/12', 'rediss://:pw@h/3']) {
      assert.equal(parse(`cache: { redis: { url: "${good}" } }\n`).cache.redis!.url, good);
    }
  });
});

describe('secrets never show in a message', () => {
  test('a secret of the wrong type is described by its kind only', () => {
    const text = [
      'api: { tokens: [1, [hunter2]] }',
      'servers:',
      '  - { id: a, rcon: { transport: source, port: 1, password: 918273645 } }',
      '  - { id: b, rcon: { transport: source, port: 1, password: null } }',
      '  - { id: c, rcon: { transport: source, port: 1, password: { hunter2: 1 } } }',
      '  - { id: d, rcon: { transport: source, port: 1, password: true } }',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:1: api.tokens[0]: expected a string, got a number (not shown: secret)',
      'config.yaml:1: api.tokens[1]: expected a string, got a list (not shown: secret)',
      'config.yaml:3: servers[0].rcon.password: expected a string, got a number (not shown: secret)',
      'config.yaml:4: servers[1].rcon.password: expected a string, got null (not shown: secret)',
      'config.yaml:5: servers[2].rcon.password: expected a string, got a mapping (not shown: secret)',
      'config.yaml:6: servers[3].rcon.password: expected a string, got a boolean (not shown: secret)',
    ]);
  });
  test('a value shown whole hides the secrets inside it, and the password of a URL', () => {
    assert.deepEqual(problems('servers: { id: a, rcon: { password: hunter2 } }\napi: { tokens: [t0ken] , read_auth: { tokens: [x] } }\n'), [
      'config.yaml:2: api.read_auth: expected true or false, got {"tokens":"<secret>"}',
      'config.yaml:1: servers: expected a list, got {"id":"a","rcon":{"password":"<secret>"}}',
    ]);
    assert.deepEqual(problems('cache: { redis: { url: "http://user:hunter2@h/0" } }\n'), [
      'config.yaml:1: cache.redis.url: expected a redis:// or rediss:// URL, got "http://user:<secret>@h/0"',
    ]);
    assert.deepEqual(problems('cache: { redis: { url: "HTTP://:hunter2@h/0" } }\n'), [
      'config.yaml:1: cache.redis.url: expected a redis:// or rediss:// URL, got "HTTP://:<secret>@h/0"',
    ]);
    // Every URL in a string; only a URL's password: a plain value with @ and : is shown as it is.
    assert.deepEqual(problems('listen: { host: [ "--a=redis://u:pw1@h/0 b=s://:pw2@h", "a:b@c", "x://h/@:y" ] }\n'), [
      'config.yaml:1: listen.host: expected a string, got ["--a=redis://u:<secret>@h/0 b=s://:<secret>@h","a:b@c","x://h/@:y"]',
    ]);
  });
  test('a password that reads as a number or true stays the string it is', () => {
    const config = parse('api: { tokens: ["${T}"] }\nservers:\n  - { id: a, rcon: { transport: source, port: "${P}", password: "${PW}" } }\n', {
      T: 'true',
      P: '27015',
      PW: '918273645',
    });
    assert.deepEqual(config.api.tokens.map((t) => t.reveal()), ['true']);
    assert.equal(config.servers[0]!.rcon!.password!.reveal(), '918273645');
    assert.equal(config.servers[0]!.rcon!.port, 27015);
  });
});

describe('${VAR} interpolation', () => {
  test('defaults, empty variables, $${ escapes, several references in one value, lists', () => {
    const config = parse(
      'listen: { host: "$${HOST}-${H:-d}-${E:-e}-${N}-${U:-}" }\n',
      { H: 'h', E: '', N: 'n' },
    );
    assert.equal(config.listen.host, '${HOST}-h-e-n-');
    // In a list, a string that is one whole reference becomes a number too; zod then refuses it where a string is needed.
    assert.deepEqual(problems('host: { filesystems_exclude: ["${A}", "x${P}", "${NUM}"] }\n', { A: 'a', P: '80', NUM: '12' }), [
      'config.yaml:1: host.filesystems_exclude[2]: expected a string, got 12',
    ]);
    assert.deepEqual(parse('host: { filesystems_exclude: ["${A}", "x${P}"] }\n', { A: 'a', P: '80' }).host.filesystems_exclude, ['a', 'x80']);
  });
  test('a value that is one whole reference takes the type it reads as: integer, negative, fraction, boolean', () => {
    const config = parse(
      'listen: { port: "${P}" }\nalerts: { agent_cpu_ratio: "${R}", host_cpu: { warning: "${NEG}" }, enabled: "${B}" }\nhost: { enabled: "${T}" }\ndiscovery: { docker: "${S}" }\n',
      { P: '80', R: '0.5', NEG: '-2', B: 'false', T: 'true', S: '7x' },
    );
    assert.equal(config.listen.port, 80);
    assert.equal(config.alerts.agent_cpu_ratio, 0.5);
    assert.equal(config.alerts.host_cpu.warning, -2);
    assert.equal(config.alerts.enabled, false);
    assert.equal(config.host.enabled, true);
    assert.equal(config.discovery.docker, '7x');
    // Not whole, or not quite a number or boolean: stays a string, which zod then refuses.
    assert.deepEqual(problems('listen: { port: "${P}1" }\nhost: { enabled: "${T}" }\nalerts: { agent_cpu_ratio: "${R}" }\n', { P: '8', T: 'True', R: '1.' }), [
      'config.yaml:1: listen.port: expected an integer from 0 to 65535, got "81"',
      'config.yaml:2: host.enabled: expected true or false, got "True"',
      'config.yaml:3: alerts.agent_cpu_ratio: expected a number, got "1."',
    ]);
    assert.equal(parse('listen: { host: "1${PORT}" }\nalerts: { agent_cpu_ratio: "${RATIO}" }\n', { PORT: '80', RATIO: '0.25' }).listen.host, '180');
    assert.equal(parse('alerts: { agent_cpu_ratio: "${RATIO}" }\n', { RATIO: '0.25' }).alerts.agent_cpu_ratio, 0.25);
    // Two references that together read as a number or boolean are still not one whole reference.
    assert.deepEqual(parse('host: { filesystems_exclude: ["${A}${B}", "${C}${D}"] }\n', { A: 'tr', B: 'ue', C: '1', D: '2' }).host.filesystems_exclude, ['true', '12']);
    assert.deepEqual(problems('listen: { port: "${P}" }\n', { P: 'x8' }), ['config.yaml:1: listen.port: expected an integer from 0 to 65535, got "x8"']);
    assert.deepEqual(problems('listen: { port: "${P}" }\n', { P: '8x' }), ['config.yaml:1: listen.port: expected an integer from 0 to 65535, got "8x"']);
    assert.deepEqual(problems('listen: { port: "${P} " }\n', { P: '8' }), ['config.yaml:1: listen.port: expected an integer from 0 to 65535, got "8 "']);
  });
  test('every unset variable is reported, with the key path and line; a name that is not a name is left alone', () => {
    assert.deepEqual(problems('listen:\n  host: "${NOPE}${EMPTY}"\nlog: { level: "${1X}" }\nhost: { filesystems_exclude: [a, "${L}"] }\n', { EMPTY: '' }), [
      'config.yaml:2: listen.host: environment variable NOPE is not set',
      'config.yaml:2: listen.host: environment variable EMPTY is not set',
      'config.yaml:4: host.filesystems_exclude[1]: environment variable L is not set',
    ]);
    // Only the unset variable: what it leaves behind (an empty port) is not reported on top.
    assert.deepEqual(problems('listen: { port: "${PORT}" }\n'), ['config.yaml:1: listen.port: environment variable PORT is not set']);
    assert.deepEqual(problems('log: { level: "${1X}" }\n'), [
      'config.yaml:1: log.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "${1X}"',
    ]);
  });
  test('without options.env the process environment is read', () => {
    process.env.GUST_TEST_SCHEMA_PORT = '9999';
    try {
      assert.equal(parseConfig('listen: { port: "${GUST_TEST_SCHEMA_PORT}" }\n', FILE).listen.port, 9999);
    } finally {
      delete process.env.GUST_TEST_SCHEMA_PORT;
    }
  });
});

describe('secret files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gust-schema-'));
  writeFileSync(path.join(dir, 'big'), 'x'.repeat(MAX_SECRET_BYTES + 1));
  writeFileSync(path.join(dir, 'max'), 'y'.repeat(MAX_SECRET_BYTES));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'pw'), '  pw with spaces \n');
  writeFileSync(path.join(dir, 'tokens'), '  a  \n# comment\n  # indented comment\n\n\t\nb#c\n');
  const config = path.join(dir, 'config.yaml');
  const rcon = (id: string, extra: string) => `  - { id: ${id}, rcon: { transport: source, port: 1, ${extra} } }\n`;

  test('content is trimmed; tokens are the non-empty lines that are not comments', () => {
    const loaded = parse(`api: { tokens_file: tokens }\nservers:\n${rcon('a', 'password_file: sub/pw')}${rcon('b', 'password_file: max')}`, {}, config);
    assert.deepEqual(loaded.api.tokens.map((t) => t.reveal()), ['a', 'b#c']);
    assert.equal(loaded.servers[0]!.rcon!.password!.reveal(), 'pw with spaces');
    assert.equal(loaded.servers[1]!.rcon!.password!.reveal().length, MAX_SECRET_BYTES);
  });
  test('a name with a slash is relative to the config even with $CREDENTIALS_DIRECTORY; a bare name is looked up there', () => {
    const loaded = parse(`servers:\n${rcon('a', 'password_file: sub/pw')}`, { CREDENTIALS_DIRECTORY: '/nonexistent' }, config);
    assert.equal(loaded.servers[0]!.rcon!.password!.reveal(), 'pw with spaces');
    assert.deepEqual(problems(`api: { tokens_file: tokens }\n`, { CREDENTIALS_DIRECTORY: '/nonexistent' }, config), [
      'config.yaml:1: api.tokens_file: cannot read secret file "/nonexistent/tokens" (ENOENT)',
    ]);
    assert.equal(parse(`api: { tokens_file: pw }\n`, { CREDENTIALS_DIRECTORY: path.join(dir, 'sub') }, config).api.tokens[0]!.reveal(), 'pw with spaces');
    // An empty CREDENTIALS_DIRECTORY is not set.
    assert.equal(parse(`api: { tokens_file: tokens }\n`, { CREDENTIALS_DIRECTORY: '' }, config).api.tokens.length, 2);
  });
  test('unreadable files say why (too large, not a regular file, missing); a value and its file together are refused', () => {
    const text = `servers:\n${rcon('a', 'password_file: big')}${rcon('b', 'password_file: sub')}${rcon('c', 'password_file: x, password: y')}api: { tokens_file: tokens, tokens: [] }\n`;
    assert.deepEqual(problems(text, {}, config), [
      `config.yaml:2: servers[0].rcon.password_file: cannot read secret file "${dir}/big" (larger than the ${MAX_SECRET_BYTES} bytes allowed)`,
      `config.yaml:3: servers[1].rcon.password_file: cannot read secret file "${dir}/sub" (not a regular file (a directory))`,
      'config.yaml:4: servers[2].rcon.password_file: use either "password" or "password_file", not both',
      'config.yaml:5: api.tokens_file: use either "tokens" or "tokens_file", not both',
    ]);
  });
  test('a *_file that is not a string is an unknown key, not a file name', () => {
    assert.deepEqual(problems(`servers:\n${rcon('a', 'password_file: 5')}`, {}, config), ['config.yaml:2: servers[0].rcon.password_file: unknown key']);
  });
  test('password_from: only alone, of a known shape, and its file must be readable', () => {
    const text = `servers:\n${rcon('a', 'password_file: sub/pw, password_from: { file: f, key: k }')}${rcon('b', 'password_from: { file: nofile, key: k }')}${rcon('c', 'password_from: { process: p }')}`;
    assert.deepEqual(problems(text, {}, config), [
      'config.yaml:2: servers[0].rcon.password_from: use either "password_file" or "password_from", not both',
      `config.yaml:3: servers[1].rcon.password_from: cannot read "${dir}/nofile" (ENOENT)`,
      'config.yaml:4: servers[2].rcon.password_from: expected { file: PATH, key: KEY } or { process: NAME, arg: FLAG } (cwd, format optional), got {"process":"p"}',
    ]);
  });
});

describe('rules across sections', () => {
  test('duplicates, regular expressions (match and multiline), transports, commands, rule and server references', () => {
    const text = [
      'rules:',
      '  - { name: r, match: x, metric: gust_x }',
      '  - { name: r, match: y, metric: gust_y, multiline: { first_line: "(" }, servers: [a, zz] }',
      '  - { name: q, match: "[", flags: i, metric: gust_z }',
      'servers:',
      '  - id: a',
      '    rcon: { transport: exec }',
      '  - id: a',
      '    rcon: { transport: source }',
      '    commands: [ status, { command: s, rules: [r, nope] } ]',
      '  - id: c',
      '    commands: [ status ]',
      '  - { id: d, rcon: { transport: exec, command: [x] } }',
      '  - { id: e, rcon: { transport: webrcon, port: 1 } }',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'config.yaml:3: rules[1].name: duplicate rule name "r"',
      'config.yaml:3: rules[1].multiline: invalid regular expression: Invalid regular expression: /(/: Unterminated group',
      'config.yaml:4: rules[2].match: invalid regular expression: Invalid regular expression: /[/i: Unterminated character class',
      'config.yaml:7: servers[0].rcon: the exec transport needs "command"',
      'config.yaml:8: servers[1].id: duplicate server id "a"',
      'config.yaml:9: servers[1].rcon: the source transport needs "port"',
      'config.yaml:10: servers[1].commands[1].rules[1]: unknown rule "nope"',
      'config.yaml:12: servers[2].commands: commands need an "rcon" section',
      'config.yaml:3: rules[1].servers[1]: unknown server "zz"',
    ]);
  });
  test('a regular expression is checked with its flags', () => {
    assert.deepEqual(problems('rules:\n  - { name: r, match: "\\\\p{L", flags: u, metric: gust_x }\n'), [
      'config.yaml:2: rules[0].match: invalid regular expression: Invalid regular expression: /\\p{L/u: Invalid property name',
    ]);
    assert.equal(parse('rules:\n  - { name: r, match: "\\\\p{L", metric: gust_x }\n').rules[0]!.match, '\\p{L');
  });
  test('a cluster is checked only when configured', () => {
    assert.deepEqual(problems('cluster: { mode: shard }\n'), ['config.yaml:1: cluster: needs cache.redis: the members of a group share its Redis and key_prefix']);
  });
});

describe('state_dir and reading the file', () => {
  test('state_dir is resolved against the directory of the config file', () => {
    assert.equal(parse('state_dir: state\n', {}, '/etc/gust/config.yaml').state_dir, '/etc/gust/state');
    assert.equal(parse('state_dir: /abs\n', {}, '/etc/gust/config.yaml').state_dir, '/abs');
    assert.equal(parse('', {}, 'config.yaml').state_dir, '/var/lib/gust-agent');
  });
  test('loadConfigFile: the absolute path; errors name the file and why, without repeating it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gust-load-'));
    writeFileSync(path.join(dir, 'c.yaml'), 'listen: { port: 1 }\n');
    const loaded = await loadConfigFile(path.relative(process.cwd(), path.join(dir, 'c.yaml')));
    assert.equal(loaded.path, path.join(dir, 'c.yaml'));
    assert.equal(loaded.config.listen.port, 1);
    const missing = path.join(dir, 'missing.yaml');
    await assert.rejects(loadConfigFile(missing), (err: unknown) => {
      assert.ok(err instanceof GustError && !(err instanceof ConfigError));
      assert.equal(err.code, 'GUST_CONFIG_READ');
      assert.equal(err.message, `${missing}: cannot read config: ENOENT: no such file or directory, open '${missing}'`);
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
    await assert.rejects(loadConfigFile(dir), { code: 'GUST_CONFIG_READ', message: `${dir}: cannot read config: not a regular file (a directory)` });
    writeFileSync(path.join(dir, 'env.yaml'), 'listen: { port: "${P}" }\n');
    assert.equal((await loadConfigFile(path.join(dir, 'env.yaml'), { env: { P: '2' } })).config.listen.port, 2);
  });
});

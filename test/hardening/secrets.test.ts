/**
 * Issue 19 defect 3: a secret given through an environment variable is taken as the string it
 * holds (digits or `true` too), and an error on a secret field names the field and the
 * problem, never the value: in check-config output, the reload reply and the agent's log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { eventually, tempDir } from '../support/agent.ts';

const BIN = path.join(import.meta.dirname, '../../bin/gust-agent');
const run = promisify(execFile);
const SECRETS = { RCON_PASSWORD: '918273645', RCON_FLAG: 'true', TOKENS: 's3cr3t-token-value', GOOD_TOKEN: 'good-token-4711' };
const env = { ...process.env, ...SECRETS };

async function checkConfig(file: string) {
  try {
    const { stdout, stderr } = await run(BIN, ['check-config', '--config', file], { env });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const servers = `servers:
  - id: quoted
    rcon:
      transport: source
      port: 27015
      password: "\${RCON_PASSWORD}"
  - id: bare
    rcon:
      transport: source
      port: 27016
      password: \${RCON_PASSWORD}
  - id: flag
    rcon:
      transport: source
      port: 27017
      password: \${RCON_FLAG}
`;

test('check-config: numeric and boolean passwords from the environment are accepted; a token string is refused without being printed', async () => {
  const dir = tempDir();
  const good = path.join(dir, 'good.yaml');
  writeFileSync(good, servers);
  const ok = await checkConfig(good);
  assert.equal(ok.code, 0, ok.out);

  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, `api:\n  tokens: \${TOKENS}\n${servers}  - id: nested\n    rcon:\n      transport: source\n      port: 27018\n      password: { value: "\${TOKENS}" }\n`);
  const refused = await checkConfig(bad);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /bad\.yaml:2: api\.tokens: expected a list, got a string \(not shown: secret\)/);
  assert.match(refused.out, /servers\[3\]\.rcon\.password: expected a string, got a mapping \(not shown: secret\)/);
  for (const value of Object.values(SECRETS)) assert.ok(!refused.out.includes(value), `${value} printed:\n${refused.out}`);

  // A wrong shape above a secret shows the value with the secrets inside it hidden.
  const shape = path.join(dir, 'shape.yaml');
  writeFileSync(shape, 'servers:\n  id: a\n  rcon:\n    transport: source\n    password: "${RCON_PASSWORD}"\n');
  const wrongShape = await checkConfig(shape);
  assert.equal(wrongShape.code, 1);
  assert.match(wrongShape.out, /servers: expected a list, got \{"id":"a","rcon":\{"transport":"source","password":"<secret>"\}\}/);
  assert.ok(!wrongShape.out.includes(SECRETS.RCON_PASSWORD), wrongShape.out);
});

test('a reload refused for a secret field names it in the HTTP reply and the log, never the value', async () => {
  const dir = tempDir();
  const configPath = path.join(dir, 'config.yaml');
  const head = `listen: { host: 127.0.0.1, port: 0 }\nstate_dir: ${dir}/state\nhost: { enabled: false }\nlog: { level: debug }\n`;
  writeFileSync(configPath, `${head}api:\n  tokens: ["\${GOOD_TOKEN}"]\n${servers}`);
  const child = spawn(BIN, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output: string[] = [];
  child.stderr!.on('data', (d) => output.push(String(d)));
  let url: string | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output.push(line);
    const entry = JSON.parse(line) as { msg: string; url?: string };
    if (entry.msg === 'gust-agent listening') url = entry.url!.replace('0.0.0.0', '127.0.0.1');
  });
  try {
    await eventually(() => url, 10_000, 'agent listening');
    writeFileSync(configPath, `${head}api:\n  tokens: \${TOKENS}\n${servers}`);
    const res = await fetch(`${url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.GOOD_TOKEN}` } });
    const body = await res.text();
    assert.equal(res.status, 400, body);
    assert.match(body, /api\.tokens: expected a list, got a string \(not shown: secret\)/);
    await eventually(() => output.some((l) => l.includes('config reload failed')), 5_000, 'reload failure logged');
    const log = output.join('\n');
    assert.match(log, /api\.tokens: expected a list/);
    for (const value of Object.values(SECRETS)) {
      assert.ok(!body.includes(value), `${value} in the reply: ${body}`);
      assert.ok(!log.includes(value), `${value} in the log:\n${log}`);
    }
  } finally {
    child.kill('SIGKILL');
  }
});

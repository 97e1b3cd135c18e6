/**
 * No Docker engine runs here, so the image is checked without building it: the Dockerfile's
 * structure, the files it copies, and the command it runs, from a production-only install made
 * the way the image makes it (dist/ compiled, `npm ci --omit=dev` in a copy holding only what the
 * runtime stage holds).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, tempDir } from '../support/agent.ts';
import { freePort, ROOT } from './support.ts';


interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined; comments and the syntax directive dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n');
  return joined
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
      return { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ').trim() };
    });
}

const instructions = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword);
const last = (keyword: string) => all(keyword).at(-1);

/** COPY sources from the build context (not from another stage), as written. */
function contextCopySources(): string[] {
  return all('COPY')
    .filter((i) => !i.args.includes('--from='))
    .flatMap((i) => i.args.split(' ').filter((w) => !w.startsWith('--')).slice(0, -1));
}

describe('Dockerfile structure', () => {
  it('is multi-stage on a Node LTS slim image', () => {
    const froms = all('FROM');
    assert.ok(froms.length >= 2, 'at least a dependency stage and a runtime stage');
    assert.match(froms[0]!.args, / AS \w+$/i, 'the first stage is named');
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? froms.at(-1)!.args;
    const major = Number(/^node:(\d+)-.*slim/.exec(image)?.[1]);
    assert.ok(major >= 22 && major % 2 === 0, `${image}: an even (LTS) Node major >= 22 on a slim base`);
  });

  it('installs production dependencies only, with the lockfile', () => {
    const runs = all('RUN').map((i) => i.args).join('\n');
    assert.match(runs, /npm ci --omit=dev/);
    assert.doesNotMatch(runs, /npm (install|i)\b/);
  });

  it('runs as a non-root user under an init, in exec form', () => {
    const user = last('USER')?.args;
    assert.ok(user && !['root', '0', '0:0'].includes(user), `USER ${user}`);
    const entrypoint = JSON.parse(last('ENTRYPOINT')!.args) as string[];
    const cmd = JSON.parse(last('CMD')!.args) as string[];
    assert.ok(entrypoint[0]!.endsWith('tini') || entrypoint[0]!.endsWith('dumb-init'), 'an init is PID 1');
    assert.equal(entrypoint.at(-1), '/app/bin/gust-agent', 'the program is executed (its #! line carries the node flags)');
    assert.ok(Array.isArray(cmd));
  });

  it('has a HEALTHCHECK on /-/healthy, volumes for config and state, OCI labels', () => {
    const health = last('HEALTHCHECK')!.args;
    assert.match(health, /CMD \[/, 'exec form');
    const env = all('ENV').map((i) => i.args).join(' ');
    assert.match(`${health} ${env}`, /\/-\/healthy/);
    const volumes = JSON.parse(last('VOLUME')!.args) as string[];
    assert.deepEqual(volumes.sort(), ['/etc/gust-agent', '/var/lib/gust-agent']);
    const labels = all('LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'licenses', 'source', 'version', 'revision']) {
      assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
    }
    assert.ok(all('EXPOSE').some((i) => i.args.split(' ').includes('9720')));
  });

  it('copies files that exist and that .dockerignore does not exclude', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const required of ['.git', 'node_modules']) assert.ok(ignored.includes(required), `.dockerignore lists ${required}`);
    const sources = contextCopySources();
    assert.ok(sources.includes('bin') && sources.includes('src') && sources.includes('package-lock.json'));
    for (const source of sources) {
      assert.ok(existsSync(path.join(ROOT, source)), `COPY ${source}: missing`);
      assert.ok(!ignored.includes(source), `COPY ${source}: excluded by .dockerignore`);
    }
  });
});

describe('the image command from a production-only install', () => {
  const app = tempDir('gust-docker-');
  const stateDir = path.join(app, 'state');
  after(() => rmSync(app, { recursive: true, force: true }));

  before(() => {
    for (const source of contextCopySources()) cpSync(path.join(ROOT, source), path.join(app, source), { recursive: true });
    // The build stage's `node scripts/build.mjs`, then the runtime stage holds dist/ but no src/.
    const build = spawnSync('node', [path.join(ROOT, 'scripts/build.mjs'), path.join(app, 'dist')], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    for (const buildOnly of ['src', 'scripts']) rmSync(path.join(app, buildOnly), { recursive: true });
    const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app, encoding: 'utf8', timeout: 120_000,
    });
    assert.equal(install.status, 0, install.stderr);
    assert.match(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'), /COPY --from=build \/app\/dist \.\/dist/);
    assert.ok(!existsSync(path.join(app, 'node_modules/typescript')), 'dev dependencies are not installed');
  });

  const agentCli = (args: string[]) =>
    spawnSync(path.join(app, 'bin/gust-agent'), args, {
      cwd: app, encoding: 'utf8', env: { ...process.env, GUST_STATE_DIR: stateDir }, timeout: 30_000,
    });

  it('prints --version', () => {
    const run = agentCli(['--version']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^gust-agent \d+\.\d+\.\d+/);
  });

  it('accepts the default config the image ships (config.example.yaml)', () => {
    const run = agentCli(['check-config', '--config', path.join(app, 'config.example.yaml')]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
  });

  it('runs, answers the HEALTHCHECK command, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const config = path.join(app, 'config.yaml');
    writeFileSync(config, `listen: { host: 127.0.0.1, port: ${port} }\nstate_dir: ${stateDir}\nhost: { enabled: false }\nservers: []\n`);
    // As the ENTRYPOINT runs it (after tini): the program itself, through its #! line.
    const agent = spawn(path.join(app, 'bin/gust-agent'), ['run', '--config', config], { cwd: app, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => agent.on('exit', (code) => resolve(code)));
    try {
      const health = JSON.parse(last('HEALTHCHECK')!.args.replace(/^.*?CMD /, '')) as string[];
      await eventually(() => {
        const run = spawnSync(health[0]!, health.slice(1), {
          encoding: 'utf8', env: { ...process.env, GUST_HEALTHCHECK_URL: `http://127.0.0.1:${port}/-/healthy` }, timeout: 10_000,
        });
        return run.status === 0 || undefined;
      }, 20_000, 'the HEALTHCHECK command to succeed');
    } finally {
      agent.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});

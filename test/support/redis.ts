/**
 * A real redis-server (Debian package) on a free loopback port, without persistence, for
 * tests. kill() simulates a crash (SIGKILL); start() again brings it back on the same port;
 * pause()/resume() simulate a hung server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

export interface TestRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  /** Freeze (SIGSTOP) and thaw (SIGCONT): a hung Redis that accepts no replies. */
  pause(): void;
  resume(): void;
  /** Stop for good (use in `after`). */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.password) args.push('--requirepass', options.password);
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (d) => (output += String(d)));
    proc.stderr!.on('data', (d) => (output += String(d)));
    // --loglevel warning prints nothing on success: readiness is a TCP connect that succeeds.
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      if (await canConnect(port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port, url: `redis://${auth}127.0.0.1:${port}/0`, start, kill, stop: kill,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

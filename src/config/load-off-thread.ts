/**
 * loadConfigFile on a worker thread, for reloads: on the event loop, parsing and validating
 * the soak's 200-server config held it 80-230 ms (yaml's composer most of it, more while the
 * code is still cold) and delayed scrapes past 100 ms. The startup load stays on the main
 * thread: nothing is served yet.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError, errorMessage, GustError, type ErrorCode } from '../errors.ts';
import type { LoadedConfig } from './load.ts';
import type { Config } from './schema.ts';
import { secretsFromPlain } from './secret.ts';

export type WorkerReply =
  | { ok: true; config: unknown; path: string }
  | { ok: false; code?: ErrorCode; message: string; problems?: string[] };

/**
 * dist/ has the worker as an entry of its own beside the chunks. Run from src/ (tests, a
 * checkout), the worker registers tsx itself first: workers inherit neither `--import tsx`
 * hooks nor tsx's register() (Node 20).
 */
function startWorker(file: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./config-worker.js', import.meta.url), { workerData: { file } });
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./load-worker.ts', import.meta.url).href)}); })`;
  return new Worker(boot, { eval: true, workerData: { file } });
}

function toError(reply: Extract<WorkerReply, { ok: false }>): Error {
  if (reply.problems) return new ConfigError(reply.problems);
  return reply.code ? new GustError(reply.code, reply.message) : new Error(reply.message);
}

/**
 * Same result and errors as loadConfigFile; GUST_CONFIG_WORKER when the worker itself could
 * not run (the caller may then load on its own thread).
 */
export function loadConfigFileOffThread(file: string): Promise<LoadedConfig> {
  return new Promise((resolve, reject) => {
    const failed = (why: string) => reject(new GustError('GUST_CONFIG_WORKER', `${file}: the config worker failed: ${why}`));
    let worker: Worker;
    try {
      worker = startWorker(file);
    } catch (err) {
      failed(errorMessage(err));
      return;
    }
    worker.once('message', (reply: WorkerReply) => {
      if (reply.ok) resolve({ config: secretsFromPlain(reply.config) as Config, path: reply.path });
      else reject(toError(reply));
    });
    // A promise settles once: these only count when no reply came.
    worker.once('error', (err) => failed(errorMessage(err)));
    worker.once('exit', (code) => failed(`exited with code ${code} before replying`));
  });
}

/**
 * Worker-thread entry of loadConfigFileOffThread: reads and validates the config file given
 * in workerData and posts back the result (Secrets as plain marked objects, see secret.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, GustError, errorMessage } from '../errors.ts';
import { loadConfigFile } from './load.ts';
import type { WorkerReply } from './load-off-thread.ts';
import { secretsToPlain } from './secret.ts';

async function run(file: string): Promise<WorkerReply> {
  try {
    const loaded = await loadConfigFile(file);
    return { ok: true, config: secretsToPlain(loaded.config), path: loaded.path };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, code: err.code, message: err.message, problems: err.problems };
    if (err instanceof GustError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, message: errorMessage(err) };
  }
}

parentPort!.postMessage(await run((workerData as { file: string }).file));

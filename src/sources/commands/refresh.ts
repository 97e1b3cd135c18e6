/**
 * "Run this server's configured commands now" for the HTTP API, without the API importing
 * the command source: the running command source registers itself here.
 */
export interface RefreshResult {
  ok: boolean;
  results: Array<{ command: string; ok: boolean; error?: string }>;
}

export type Refresher = (serverId: string) => Promise<RefreshResult | undefined>;

let current: Refresher | undefined;

/** Called by the command source on start (fn) and stop (undefined). */
export function setRefresher(fn: Refresher | undefined): void {
  current = fn;
}

/**
 * Runs the server's commands now (still bounded by max_concurrent) and resolves with each
 * command's outcome; undefined when the server is unknown or has no rcon/commands configured,
 * or when the command source is not running.
 */
export async function refreshServer(serverId: string): Promise<RefreshResult | undefined> {
  return current ? current(serverId) : undefined;
}

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file in a directory with a given (dev, inode), e.g. `game.log.1` after a rename rotation.
 * Each directory is listed and stat'ed once per lookup batch: a restart after a config change
 * may look for 1,000 saved files in one directory of 1,000 (a million stats, one at a time).
 */
export class IdentityIndex {
  readonly #dirs = new Map<string, Promise<Map<string, string>>>();

  async find(dir: string, dev: number, ino: number): Promise<string | undefined> {
    let index = this.#dirs.get(dir);
    if (!index) this.#dirs.set(dir, (index = listIdentities(dir)));
    return (await index).get(`${dev}:${ino}`);
  }
}

async function listIdentities(dir: string): Promise<Map<string, string>> {
  const byIdentity = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return byIdentity;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const s = await stat(file);
      // The first name wins: a file hard-linked twice is read under the name readdir gives first.
      if (s.isFile()) {
        const key = `${s.dev}:${s.ino}`;
        if (!byIdentity.has(key)) byIdentity.set(key, file);
      }
    } catch {
      // vanished meanwhile
    }
  }
  return byIdentity;
}

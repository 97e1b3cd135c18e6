/**
 * Globbing for `servers[].logs[].path`: `*`, `?` and `[...]` within one path segment, and `**`
 * as a whole segment for zero or more directory levels (like bash's globstar). Names starting
 * with `.` match only a segment that starts with `.`; `**` never enters dot-directories, goes at
 * most MAX_DEPTH levels down, and matches a symbolic link to a directory without entering it
 * (so a link loop cannot recurse). Rotated and compressed siblings (`game.log.1`,
 * `game.log.2.gz`, `game.log-20260101`) are never followed: their lines were read from the live
 * file before it was rotated.
 *
 * The log source calls expandGlob() about once a second, so a `**` pattern walks its tree each
 * time: keep it under a log directory, not `/`.
 */
import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const MAGIC = /[*?[]/;
const ROTATED = /(?:\.\d+(?:\.(?:gz|bz2|xz|zst|lz4|z))?|\.(?:gz|bz2|xz|zst|lz4|zip|z)|[-.]\d{8}(?:\d{2})?)$/i;
/** Directory levels one `**` may match. */
export const MAX_DEPTH = 16;

export function isRotatedSibling(file: string): boolean {
  return ROTATED.test(path.basename(file));
}

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*' && (i === 0 || pattern[i - 1] === '/') && (i + 2 === pattern.length || pattern[i + 2] === '/')) {
      // `**/`: any number of directories; a final `**`: anything below. Neither matches a name starting with `.`.
      const final = i + 2 === pattern.length;
      re += final ? '(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?' : '(?:(?!\\.)[^/]*/)*';
      i += final ? 1 : 2;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Directories a glob expansion listed, with their modification time then (-1: missing). */
export type DirectoriesRead = Map<string, number>;

/** Files matching `pattern` now, rotated siblings and `exclude` globs left out. */
export async function expandGlob(pattern: string, exclude: readonly RegExp[] = [], read?: DirectoriesRead): Promise<string[]> {
  const absolute = path.resolve(pattern);
  const keep = (file: string) => !isRotatedSibling(file) && !exclude.some((re) => re.test(file) || re.test(path.basename(file)));
  if (!hasMagic(absolute)) return keep(absolute) ? [absolute] : [];
  const segments = absolute.split('/').slice(1);
  if (segments.at(-1) === '**') segments.push('*'); // `dir/**`: every file below dir
  let current = ['/'];
  // Links to directories a `**` matched: a later `**` must not walk into them either.
  const links = new Set<string>();
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    // A Set: two `**` can reach one directory along several paths.
    const next = new Set<string>();
    for (const dir of current) {
      if (segment === '**') {
        for (const below of await directoriesBelow(dir, links, read)) next.add(below);
        continue;
      }
      if (!hasMagic(segment)) {
        next.add(path.join(dir, segment));
        continue;
      }
      const re = globToRegExp(segment);
      for (const entry of await entries(dir, read)) {
        if (!re.test(entry.name) || entry.name.startsWith('.') !== segment.startsWith('.')) continue;
        const file = path.join(dir, entry.name);
        // A directory (or a link to one) is never a log file; only directories lead further.
        const directory = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(file)));
        if (last === directory) continue;
        next.add(file);
      }
    }
    current = [...next];
  }
  return current.filter(keep).sort();
}

/**
 * What `**` matches from `dir`: `dir` itself and the directories below it (see the header).
 * Links to directories are added to `links` and not entered, nor is `dir` when it is one of them.
 */
async function directoriesBelow(dir: string, links: Set<string>, read?: DirectoriesRead): Promise<string[]> {
  const found = [dir];
  let level = links.has(dir) ? [] : [dir];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const deeper: string[] = [];
    for (const parent of level) {
      for (const entry of await entries(parent, read)) {
        if (entry.name.startsWith('.')) continue;
        const child = path.join(parent, entry.name);
        if (entry.isDirectory()) deeper.push(child);
        else if (entry.isSymbolicLink() && (await isDirectory(child))) {
          found.push(child);
          links.add(child);
        }
      }
    }
    found.push(...deeper);
    level = deeper;
  }
  return found;
}

async function entries(dir: string, read?: DirectoriesRead) {
  read?.set(dir, modifiedMs(dir)); // before listing: a change during the listing shows next time
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return []; // a directory that does not exist (yet) matches nothing
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

function modifiedMs(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * A directory modified this recently is listed again even if its time did not move: file times
 * tick coarsely (a jiffy on many kernels), so an entry added right after our listing can leave
 * the time as it was.
 */
const SETTLED_MS = 1_000;

/**
 * Glob results reused while none of the directories they came from changed. A directory's
 * modification time moves when an entry is added, removed or renamed, so one stat per directory
 * replaces listing it: the rescan every second of 1,000 quiet files was a readdir of all of them
 * (bench: idle cost of 1,000 files). A link target changing from file to directory is not seen
 * until the directory itself changes.
 */
export class GlobCache {
  readonly #results = new Map<string, { files: string[]; read: DirectoriesRead }>();

  async expand(key: string, pattern: string, exclude: readonly RegExp[] = []): Promise<string[]> {
    const cached = this.#results.get(key);
    if (cached && unchanged(cached.read)) return cached.files;
    const read: DirectoriesRead = new Map();
    const files = await expandGlob(pattern, exclude, read);
    this.#results.set(key, { files, read });
    return files;
  }

  /** Forget everything (a reload may change a glob's exclude list under the same key). */
  clear(): void {
    this.#results.clear();
  }
}

function unchanged(read: DirectoriesRead): boolean {
  const settled = Date.now() - SETTLED_MS;
  for (const [dir, mtimeMs] of read) {
    if (mtimeMs > settled || modifiedMs(dir) !== mtimeMs) return false;
  }
  return true;
}

/**
 * Minimal globbing for `servers[].logs[].path`: `*`, `?` and `[...]` within one path segment
 * (no `**`). Rotated and compressed siblings (`game.log.1`, `game.log.2.gz`, `game.log-20260101`)
 * are never followed: their lines were read from the live file before it was rotated.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MAGIC = /[*?[]/;
const ROTATED = /(?:\.\d+(?:\.(?:gz|bz2|xz|zst|lz4|z))?|\.(?:gz|bz2|xz|zst|lz4|zip|z)|[-.]\d{8}(?:\d{2})?)$/i;

export function isRotatedSibling(file: string): boolean {
  return ROTATED.test(path.basename(file));
}

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
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

/** Files matching `pattern` now, rotated siblings and `exclude` globs left out. */
export async function expandGlob(pattern: string, exclude: readonly RegExp[] = []): Promise<string[]> {
  const absolute = path.resolve(pattern);
  const keep = (file: string) => !isRotatedSibling(file) && !exclude.some((re) => re.test(file) || re.test(path.basename(file)));
  if (!hasMagic(absolute)) return keep(absolute) ? [absolute] : [];
  const segments = absolute.split('/').slice(1);
  let current = ['/'];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasMagic(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const re = globToRegExp(segment);
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue; // a directory that does not exist (yet) matches nothing
      }
      for (const entry of entries) {
        if (!re.test(entry.name) || entry.name.startsWith('.') !== segment.startsWith('.')) continue;
        if (!last && !entry.isDirectory() && !entry.isSymbolicLink()) continue;
        next.push(path.join(dir, entry.name));
      }
    }
    current = next;
  }
  return current.filter(keep).sort();
}

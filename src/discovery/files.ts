/**
 * File access for discovery. A file that is absent is simply absent; one that exists but may
 * not be read becomes a problem naming the file and the permission it needs, and discovery
 * carries on with what it could read.
 */
import { access, constants, readlink } from 'node:fs/promises';
import { MAX_CONFIG_BYTES, readRegularFile } from '../config/read-file.ts';
import { GustError } from '../errors.ts';
import { parseSettings, formatOf, type FileFormat } from './formats.ts';

export class FileReader {
  readonly problems: string[] = [];

  /**
   * Text of a file; undefined when missing or unreadable (then a problem is recorded). Only a
   * regular file of bounded size: a FIFO or device in a game's folder must not hold discovery.
   */
  async text(file: string): Promise<string | undefined> {
    try {
      return await readRegularFile(file, MAX_CONFIG_BYTES);
    } catch (err) {
      if (err instanceof GustError) this.problems.push(err.message);
      else this.#report(file, err, 'read (r) permission on the file and search (x) on its directories');
      return undefined;
    }
  }

  async settings(file: string, format: FileFormat = formatOf(file)): Promise<Map<string, string> | undefined> {
    const text = await this.text(file);
    return text === undefined ? undefined : parseSettings(text, format);
  }

  async exists(file: string): Promise<boolean> {
    try {
      await access(file, constants.F_OK);
      return true;
    } catch (err) {
      this.#report(file, err, 'search (x) permission on its directories');
      return false;
    }
  }

  async link(file: string, needs: string): Promise<string | undefined> {
    try {
      return await readlink(file);
    } catch (err) {
      this.#report(file, err, needs);
      return undefined;
    }
  }

  #report(file: string, err: unknown, needs: string): void {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ESRCH') return;
    const uid = process.getuid?.();
    this.problems.push(`${file}: cannot read (${code ?? 'error'}); the agent's user${uid === undefined ? '' : ` (uid ${uid})`} needs ${needs}`);
  }
}

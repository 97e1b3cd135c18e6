/**
 * `rcon.password_from`: the password is read where the game keeps it, at load and on every
 * reload, so a config (and `gust-agent discover` output) never holds it:
 *
 *   password_from: { file: /srv/mc/server.properties, key: rcon.password }
 *   password_from: { process: RustDedicated, cwd: /srv/rust, arg: +rcon.password }
 *
 * `file` + `key`: a key of a properties, ini (also inside Palworld's OptionSettings=(...)) or
 * cfg file (Source `rcon_password "x"`, LinuxGSM `rconpassword="x"`); the format follows the
 * file name unless `format` says. `process` + `arg`: the value after `arg` on the command line
 * of the running process with that name (and working directory); an `arg` ending in `=`
 * reads ARK-style `?Key=value` options.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MAX_CONFIG_BYTES, readFailure, readRegularFileSync } from './read-file.ts';
import { argValue, FILE_FORMATS, formatOf, parseSettings } from '../discovery/formats.ts';

export const passwordFromSchema = z
  .union([
    z.strictObject({
      file: z.string().min(1).describe("The game's settings file"),
      key: z.string().min(1).describe('Key holding the password, e.g. rcon.password, RCONPassword, AdminPassword, rcon_password'),
      format: z.enum(FILE_FORMATS).optional().describe('Default from the file name: .properties, .ini, otherwise cfg'),
    }),
    z.strictObject({
      process: z.string().min(1).describe('Name of the running game process (comm or argv[0] basename)'),
      cwd: z.string().min(1).optional().describe('Its working directory, when several run'),
      arg: z.string().min(1).describe('Command-line flag before the password (+rcon.password), or ARK-style ?Key= ending in ='),
    }),
  ])
  .describe('Read the RCON password from the game\'s own file or command line (instead of password)');

export type PasswordRef = z.input<typeof passwordFromSchema>;

/** The password, or a message saying why it cannot be read (relative paths from `baseDir`). */
export function readPasswordFrom(ref: z.output<typeof passwordFromSchema>, baseDir: string): { value: string } | { error: string } {
  if ('file' in ref) {
    const file = path.resolve(baseDir, ref.file);
    let text: string;
    try {
      text = readRegularFileSync(file, MAX_CONFIG_BYTES);
    } catch (err) {
      return { error: `cannot read ${JSON.stringify(file)} (${readFailure(file, err)})` };
    }
    const value = parseSettings(text, ref.format ?? formatOf(file)).get(ref.key);
    return value === undefined ? { error: `${JSON.stringify(file)} has no key "${ref.key}"` } : { value };
  }
  const { lines, hidden } = commandLines(ref.process, ref.cwd);
  const values = new Set(lines.map((argv) => commandLineValue(argv, ref.arg)).filter((v) => v !== undefined));
  const where = `${ref.process}${ref.cwd ? ` in ${ref.cwd}` : ''}`;
  if (lines.length === 0) {
    const why = hidden > 0 ? `; the working directory of ${hidden} process(es) named ${ref.process} may not be read (run as the game's user or with CAP_SYS_PTRACE)` : '';
    return { error: `no running process ${where} (password_from reads its command line)${why}` };
  }
  if (values.size === 0) return { error: `the command line of ${where} has no ${ref.arg}` };
  if (values.size > 1) return { error: `${lines.length} processes ${where} have different ${ref.arg} values; add cwd` };
  return { value: [...values][0]! };
}

export function commandLineValue(argv: readonly string[], arg: string): string | undefined {
  if (!arg.endsWith('=')) return argValue(argv, arg);
  for (const a of argv) {
    const at = a.indexOf(arg);
    if (at !== -1) return a.slice(at + arg.length).split('?')[0];
  }
  return undefined;
}

/** argv of every process named `name` (comm, cut at 15 characters, or argv[0] basename). */
function commandLines(name: string, cwd: string | undefined): { lines: string[][]; hidden: number } {
  const out: string[][] = [];
  let hidden = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (comm !== name.slice(0, 15) && path.basename(argv[0] ?? '') !== name) continue;
      if (cwd !== undefined) {
        let dir: string;
        try {
          dir = readlinkSync(`/proc/${entry}/cwd`);
        } catch {
          hidden++;
          continue;
        }
        if (dir !== path.resolve(cwd)) continue;
      }
      out.push(argv);
    } catch {
      /* ended while we looked */
    }
  }
  return { lines: out, hidden };
}

/**
 * Multi-line records for one user rule: a line matching `first_line` opens a record, the
 * following lines join it until the next first line, `max_lines`, or `max_wait` after it
 * opened; the rule's regex then runs once over the lines joined with `\n`.
 *
 * An open record is saved in the log checkpoint with the offsets of the lines it holds, so a
 * record open when the agent is killed continues after the restart (open() and resume()).
 */
import type { CompiledRule } from './user-rules.ts';

/** An open record as the checkpoint keeps it. */
export interface OpenRecord {
  lines: string[];
  /** Unix ms when its first line was read (its age; stable, so an idle checkpoint stays unchanged). */
  openedAtMs: number;
}

export class Multiline {
  readonly rule: CompiledRule;
  readonly #emit: (record: string) => void;
  #lines: string[] = [];
  #openedAtMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(rule: CompiledRule, emit: (record: string) => void) {
    this.rule = rule;
    this.#emit = emit;
  }

  push(line: string): void {
    if (this.rule.firstLine!.test(line)) {
      this.flush();
      this.#start([line], Date.now());
    } else if (this.#lines.length > 0) {
      this.#lines.push(line);
      if (this.#lines.length >= this.rule.config.multiline!.max_lines) this.flush();
    }
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const record = this.#lines.join('\n');
    this.#lines = [];
    this.#emit(record);
  }

  /** Drop the open record without applying it (the rule was removed). */
  close(): void {
    clearTimeout(this.#timer);
    this.#lines = [];
  }

  /** The record still open, if any (a copy). */
  open(): OpenRecord | undefined {
    return this.#lines.length > 0 ? { lines: [...this.#lines], openedAtMs: this.#openedAtMs } : undefined;
  }

  /**
   * Continue a record saved by an earlier run (or before a reload). `max_wait` counts from
   * now: the lines that complete it may still be unread. A record whose first line no longer
   * opens one under this rule is dropped.
   */
  resume(record: OpenRecord): void {
    if (record.lines.length === 0 || !this.rule.firstLine!.test(record.lines[0]!)) return;
    this.flush();
    this.#start([...record.lines], record.openedAtMs);
    if (this.#lines.length >= this.rule.config.multiline!.max_lines) this.flush();
  }

  #start(lines: string[], openedAtMs: number): void {
    this.#lines = lines;
    this.#openedAtMs = openedAtMs;
    this.#timer = setTimeout(() => this.flush(), this.rule.config.multiline!.max_wait);
    this.#timer.unref();
  }
}

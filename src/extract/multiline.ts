/**
 * Multi-line records for one user rule: a line matching `first_line` opens a record, the
 * following lines join it until the next first line, `max_lines`, or `max_wait` after it
 * opened; the rule's regex then runs once over the lines joined with `\n`.
 */
import type { CompiledRule } from './user-rules.ts';

export class Multiline {
  readonly #rule: CompiledRule;
  readonly #emit: (record: string) => void;
  #lines: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(rule: CompiledRule, emit: (record: string) => void) {
    this.#rule = rule;
    this.#emit = emit;
  }

  push(line: string): void {
    const { multiline } = this.#rule.config;
    if (this.#rule.firstLine!.test(line)) {
      this.flush();
      this.#lines.push(line);
      this.#timer = setTimeout(() => this.flush(), multiline!.max_wait);
      this.#timer.unref();
    } else if (this.#lines.length > 0) {
      this.#lines.push(line);
    } else {
      return;
    }
    if (this.#lines.length >= multiline!.max_lines) this.flush();
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
}

import { inspect } from 'node:util';

/**
 * A password or token. It only leaves this wrapper through reveal(): string conversion,
 * JSON, util.inspect and pino serialisation all print a placeholder, so a secret that
 * slips into a log call or an API reply shows up as `<secret>` instead of its value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get empty(): boolean {
    return this.#value.length === 0;
  }
  toString(): string {
    return '<secret>';
  }
  toJSON(): string {
    return '<secret>';
  }
  [inspect.custom](): string {
    return '<secret>';
  }
}

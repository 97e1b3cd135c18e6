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

const SECRET_MARK = '__gust_secret__';

/**
 * A copy of `value` with each Secret as `{ __gust_secret__: value }`: a structured clone (a
 * worker's message) keeps neither the class nor its private field.
 */
export function secretsToPlain(value: unknown): unknown {
  if (value instanceof Secret) return { [SECRET_MARK]: value.reveal() };
  if (Array.isArray(value)) return value.map(secretsToPlain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretsToPlain(v)]));
  return value;
}

/** The inverse of secretsToPlain. */
export function secretsFromPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(secretsFromPlain);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === SECRET_MARK) return new Secret(entries[0]![1] as string);
    return Object.fromEntries(entries.map(([k, v]) => [k, secretsFromPlain(v)]));
  }
  return value;
}

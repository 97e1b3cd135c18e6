/**
 * The agent-wide bound on commands in flight (auto_commands.max_concurrent). FIFO: whoever
 * waited longest gets the next free slot, so rotation order survives the queue.
 */
export class Limiter {
  #limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #onChange: (active: number, waiting: number) => void;

  constructor(limit: number, onChange: (active: number, waiting: number) => void = () => {}) {
    this.#limit = limit;
    this.#onChange = onChange;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  setLimit(limit: number): void {
    this.#limit = limit;
    this.#pump();
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#pump();
    });
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#pump();
    }
  }

  #pump(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) {
      this.#active++;
      this.#waiting.shift()!();
    }
    this.#onChange(this.#active, this.#waiting.length);
  }
}

/**
 * Calls `release` once `ms` have passed without a `touch()`: what the trace intake uses to let
 * go of the buffers it keeps for reuse once traffic stops. One timer at a time, armed by the first
 * touch and re-armed from the last one when it fires, so a touch on the request path costs a clock
 * read, not a timer.
 */
export class IdleRelease {
  readonly #ms: number;
  readonly #release: () => void;
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, release: () => void) {
    this.#ms = ms;
    this.#release = release;
  }

  touch(): void {
    this.#last = performance.now();
    if (this.#timer === undefined) this.#timer = setTimeout(this.#check, this.#ms).unref();
  }

  readonly #check = (): void => {
    const wait = this.#last + this.#ms - performance.now();
    if (wait > 0) {
      this.#timer = setTimeout(this.#check, wait).unref();
      return;
    }
    this.#timer = undefined;
    this.#release();
  };
}

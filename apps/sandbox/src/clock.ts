/**
 * Time as the sandbox sees it. The monitor engine, the checks and the downtime calendar read
 * `now()` from here, never from Date, so tests can drive time and demos can speed it up.
 */
export interface Clock {
  /** Milliseconds since the UNIX epoch, in the sandbox's time. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told: for tests. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(ms: number): void {
    this.#now = ms;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Real time run `speed` times faster from the moment it is made: for demos. */
export class ScaledClock implements Clock {
  readonly #origin = Date.now();
  readonly #speed: number;

  constructor(speed: number) {
    this.#speed = speed;
  }

  now(): number {
    return this.#origin + (Date.now() - this.#origin) * this.#speed;
  }
}

/** The timer functions a schedule needs: the global ones, or fakes in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A clock in epoch milliseconds: Date.now, or a fake in tests. */
export type Clock = () => number;

export interface Tick {
  /** 0 for the point sent at start, then 1, 2, …; a skipped slot (the process slept) skips n. */
  readonly n: number;
  /** When this point was due: start + n × interval. */
  readonly dueAt: number;
  /** When the next point is due. */
  readonly nextAt: number;
}

export interface ScheduleOptions {
  readonly intervalMs: number;
  readonly onTick: (tick: Tick) => void;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export interface Schedule {
  readonly startedAt: number;
  stop(): void;
}

/**
 * Calls onTick at start and then at start + n × interval. Each timer is armed for the time
 * left until the next slot, computed from the start, so lateness of one timer never adds up
 * (chained `setTimeout(interval)` or `setInterval` drift by their accumulated lateness).
 * If the process was suspended past whole slots, the missed ones are skipped, not sent in a
 * burst: a gauge is a sample of now, and old samples sent late would be stamped wrong.
 */
export function startSchedule(options: ScheduleOptions): Schedule {
  const clock = options.clock ?? Date.now;
  const timers: Timers = options.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
  const { intervalMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`interval must be a positive number of milliseconds, got ${intervalMs}`);
  }
  const startedAt = clock();
  let handle: unknown;
  let stopped = false;

  const fire = (n: number) => {
    if (stopped) return;
    const dueAt = startedAt + n * intervalMs;
    // The next slot strictly after now; normally n + 1, more if the process slept.
    const next = Math.max(n + 1, Math.floor((clock() - startedAt) / intervalMs) + 1);
    const nextAt = startedAt + next * intervalMs;
    handle = timers.setTimeout(() => fire(next), Math.max(0, nextAt - clock()));
    options.onTick({ n, dueAt, nextAt });
  };

  fire(0);
  return {
    startedAt,
    stop() {
      stopped = true;
      timers.clearTimeout(handle);
    },
  };
}

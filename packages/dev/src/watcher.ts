import {
  allUp,
  type Demo,
  freshFor,
  type PartName,
  type PartStatus,
  type Provisioning,
  partStatuses,
} from './parts.ts';
import { accepts, answers, newestPoint } from './probes.ts';

/** How often the parts are asked: often while starting, less once everything answered. */
const STARTING_EVERY_MS = 2000;
const RUNNING_EVERY_MS = 5000;
/** Probes a part that was up must miss in a row before it counts as down (a busy moment is not an outage). */
const MISSES_FOR_DOWN = 2;
const BUCKET_MS = 10_000;

/**
 * Asks every part whether it answers, on a timer, and hands each round's statuses to `onLook`.
 * It holds only what asking needs: an HTTP GET, a TCP connect, a few numbers.
 */
export class Watcher {
  /** Turbo tasks that exited on their own, with why (main.ts fills it from turbo's output). */
  readonly crashed = new Map<string, string>();
  provisioning: Provisioning = { state: 'waiting' };
  statuses: PartStatus[];
  readonly #demo: Demo;
  readonly #onLook: (statuses: PartStatus[]) => void;
  readonly #wasUp = new Set<PartName>();
  readonly #misses = new Map<string, number>();
  #apiAnswered = false;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(demo: Demo, onLook: (statuses: PartStatus[]) => void) {
    this.#demo = demo;
    this.#onLook = onLook;
    this.statuses = this.#statuses({ api: false, postgres: false, tracedApi: false, myMetricAt: undefined });
  }

  start(): void {
    const loop = async () => {
      await this.look();
      if (this.#stopped) return;
      this.#timer = setTimeout(loop, allUp(this.statuses) ? RUNNING_EVERY_MS : STARTING_EVERY_MS);
    };
    void loop();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** True once the target's API has answered (provisioning may start). */
  get apiAnswered(): boolean {
    return this.#apiAnswered;
  }

  /** One round: every probe at once, then the statuses. */
  async look(): Promise<PartStatus[]> {
    const demo = this.#demo;
    const sandbox = demo.target === 'sandbox';
    const [api, postgres, tracedApi, myMetricAt] = await Promise.all([
      // Datadog is asked until it accepts the keys once, then left alone (its key check is rate-limited).
      !sandbox && this.#apiAnswered ? true : answers(`${demo.apiUrl}/api/v1/validate`, demo.apiHeaders),
      accepts(demo.postgres.host, demo.postgres.port),
      answers(`${demo.tracedApiUrl}/readyz`),
      sandbox
        ? newestPoint(demo.apiUrl, demo.apiHeaders, 'avg:my_metric{*}', freshFor(demo) / 1000 + 60)
        : undefined,
    ]);
    if (api) this.#apiAnswered = true;
    // A point from before this start (a restart on the same data) says nothing about the emitter
    // running now. Points are stamped with their 10 s bucket's start, hence the margin.
    const fresh = myMetricAt !== undefined && myMetricAt >= this.#startedAt - BUCKET_MS;
    const seen = {
      api: this.#steady('sandbox', api),
      postgres: this.#steady('postgres', postgres),
      tracedApi: this.#steady('traced-api', tracedApi),
      myMetricAt: fresh ? myMetricAt : undefined,
    };
    this.statuses = this.#statuses(seen);
    for (const s of this.statuses) if (s.state === 'up') this.#wasUp.add(s.name);
    if (!this.#stopped) this.#onLook(this.statuses);
    return this.statuses;
  }

  /** A probe's answer, except that a part that was up keeps counting as up for its first miss. */
  #steady(name: PartName, ok: boolean): boolean {
    const misses = ok ? 0 : (this.#misses.get(name) ?? 0) + 1;
    this.#misses.set(name, misses);
    return ok || (this.#wasUp.has(name) && misses < MISSES_FOR_DOWN);
  }

  #statuses(seen: {
    api: boolean;
    postgres: boolean;
    tracedApi: boolean;
    myMetricAt: number | undefined;
  }): PartStatus[] {
    return partStatuses(this.#demo, {
      now: Date.now(),
      startedAt: this.#startedAt,
      ...seen,
      crashed: this.crashed,
      provisioning: this.provisioning,
      wasUp: this.#wasUp,
    });
  }
}

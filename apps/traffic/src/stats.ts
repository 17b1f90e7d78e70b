import type { RouteKind } from './mix.ts';

/** What happened to one request. */
export interface Outcome {
  readonly kind: RouteKind;
  readonly at: number;
  readonly latencyMs: number;
  /** HTTP status, or undefined when no response came (refused, reset, timeout). */
  readonly status: number | undefined;
  /** The status differs from what the kind should get (a 5xx, a 404 on a known note, a failure). */
  readonly unexpected: boolean;
}

export interface Snapshot {
  /** Requests per second over the trailing window. */
  readonly rate: number;
  readonly p50: number | undefined;
  readonly p95: number | undefined;
  readonly sent: number;
  /** Non-2xx/3xx responses and failures (bad inputs on purpose included). */
  readonly errors: number;
  /** Of those, the ones nobody asked for. */
  readonly unexpected: number;
  readonly shed: number;
  readonly byKind: Readonly<Partial<Record<RouteKind, number>>>;
  readonly byStatus: Readonly<Record<string, number>>;
}

/** The value at quantile q (0..1) of sorted numbers, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Totals since start and a trailing window for rate and latency percentiles. The window holds
 * at most rate × window samples (a few thousand), so sorting it per snapshot is cheap; no
 * histogram library needed.
 */
export class Stats {
  readonly #windowMs: number;
  readonly #window: Outcome[] = [];
  readonly #startedAt: number;
  #sent = 0;
  #errors = 0;
  #unexpected = 0;
  #shed = 0;
  readonly #byKind: Partial<Record<RouteKind, number>> = {};
  readonly #byStatus: Record<string, number> = {};

  constructor(windowMs: number, now: number) {
    this.#windowMs = windowMs;
    this.#startedAt = now;
  }

  record(o: Outcome): void {
    this.#sent++;
    this.#byKind[o.kind] = (this.#byKind[o.kind] ?? 0) + 1;
    const statusKey = o.status === undefined ? 'failed' : String(o.status);
    this.#byStatus[statusKey] = (this.#byStatus[statusKey] ?? 0) + 1;
    if (o.status === undefined || o.status >= 400) this.#errors++;
    if (o.unexpected) this.#unexpected++;
    this.#window.push(o);
  }

  shed(): void {
    this.#shed++;
  }

  snapshot(now: number): Snapshot {
    while (this.#window.length > 0 && this.#window[0]!.at < now - this.#windowMs) this.#window.shift();
    const span = Math.min(this.#windowMs, Math.max(1, now - this.#startedAt));
    const latencies = this.#window.map((o) => o.latencyMs).sort((a, b) => a - b);
    return {
      rate: (this.#window.length * 1000) / span,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      sent: this.#sent,
      errors: this.#errors,
      unexpected: this.#unexpected,
      shed: this.#shed,
      byKind: { ...this.#byKind },
      byStatus: { ...this.#byStatus },
    };
  }
}

/** One line for a person: `4.9 req/s  p50 12 ms  p95 41 ms  errors 0  sent 1234`. */
export function formatSnapshot(s: Snapshot): string {
  const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)} ms`);
  const errors = s.unexpected > 0 ? `errors ${s.errors} (unexpected ${s.unexpected})` : `errors ${s.errors}`;
  const shed = s.shed > 0 ? `  shed ${s.shed}` : '';
  return `${s.rate.toFixed(1)} req/s  p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  ${errors}  sent ${s.sent}${shed}`;
}

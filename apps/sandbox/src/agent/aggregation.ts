import type { Metrics } from '../backend/metrics/metrics.ts';
import type { Flushed } from '../backend/metrics/points.ts';
import type { Clock } from '../clock.ts';
import type { Aggregator } from './dogstatsd/aggregator.ts';
import type { TraceMetrics } from './traces/trace-metrics.ts';

/**
 * ctx.agent: the Agent's 10 s buckets (DogStatsD and trace metrics) and their flush into
 * ctx.metrics, each flush one transaction.
 */
export class AgentAggregation {
  readonly dogstatsd: Aggregator;
  readonly traces: TraceMetrics;
  readonly #metrics: Metrics;
  readonly #clock: Clock;
  /** Flushes that wrote something, and the points and sketches they wrote (statistics). */
  flushes = 0;
  flushedPoints = 0;

  constructor(options: { dogstatsd: Aggregator; traces: TraceMetrics; metrics: Metrics; clock: Clock }) {
    this.dogstatsd = options.dogstatsd;
    this.traces = options.traces;
    this.#metrics = options.metrics;
    this.#clock = options.clock;
  }

  /** Writes the buckets the clock has left (the Agent's tick); returns the points written. */
  tick(): number {
    return this.#flush(false);
  }

  /** Writes every open bucket now, the current one too; returns the points written. */
  flush(): number {
    return this.#flush(true);
  }

  #flush(all: boolean): number {
    const now = this.#clock.now();
    const a = this.dogstatsd.flush(now, all);
    const b = this.traces.flush(now, all);
    const flushed: Flushed = { points: [...a.points, ...b.points], sketches: [...a.sketches, ...b.sketches] };
    const n = this.#metrics.write(flushed);
    if (n > 0) {
      this.flushes++;
      this.flushedPoints += n;
    }
    return n;
  }
}

import type { DDSketch } from '@datadog/sketches-js';
import { enrichTags } from '../../backend/hosts.ts';
import type { Metrics } from '../../backend/metrics/metrics.ts';
import { compactSketch, newSketch } from '../../backend/metrics/sketch.ts';
import type { Clock } from '../../clock.ts';
import type { DecodedBatch } from './decode.ts';
import { type KeySet, keySets } from './keys.ts';
import { SPAN_STRS } from './span.ts';

const RECENT_BUCKETS = 8;
const LINEAR_PARENT_SEARCH = 32;
const byId = new Map<number, number>();

/**
 * The index of the span of [from, to) whose id is (hi, lo) (the last one if repeated), or -1;
 * -1 for a parent id of 0 (a root).
 */
function parentIn(
  nums: readonly number[],
  numAt: readonly number[],
  from: number,
  to: number,
  hi: number,
  lo: number,
): number {
  if (hi === 0 && lo === 0) return -1;
  if (to - from <= LINEAR_PARENT_SEARCH) {
    for (let j = to - 1; j >= from; j--) {
      const m = numAt[j] as number;
      if (nums[m + 1] === lo && nums[m] === hi) return j;
    }
    return -1;
  }
  // Long chunks: byId, filled by indexChunk (the id as a double is inexact above 2^53, so each
  // hit is checked).
  const j = byId.get(hi * 4294967296 + lo);
  if (j === undefined) return -1;
  const m = numAt[j] as number;
  if (nums[m] === hi && nums[m + 1] === lo) return j;
  for (let k = to - 1; k >= from; k--) {
    const q = numAt[k] as number;
    if (nums[q + 1] === lo && nums[q] === hi) return k;
  }
  return -1;
}

function indexChunk(nums: readonly number[], numAt: readonly number[], from: number, to: number): void {
  byId.clear();
  for (let j = from; j < to; j++) {
    const m = numAt[j] as number;
    byId.set((nums[m] as number) * 4294967296 + (nums[m + 1] as number), j);
  }
}

interface Bucket {
  readonly name: string;
  readonly env: string;
  readonly service: string;
  readonly resource: string;
  readonly status: string | undefined;
  readonly version: string | undefined;
  readonly tags: readonly string[];
  hits: number;
  errors: number;
  durationSeconds: number;
  sketch: DDSketch;
}

/**
 * The trace metrics the Agent derives from top-level spans (root spans, spans whose parent is
 * in another service or not in the chunk, and spans marked _dd.top_level or _dd.measured):
 * trace.<name>.hits and .errors (counts), trace.<name>.duration (total seconds in the 10 s
 * bucket, a gauge) and trace.<name> (the latency distribution in seconds), tagged env, service,
 * resource_name, http.status_code (when the span has one), version and the host.
 */
export class TraceMetrics {
  readonly #metrics: Metrics;
  readonly #clock: Clock;
  readonly #defaultEnv: string;
  readonly #buckets = new Map<string, Bucket>();
  readonly #tagCache = new Map<string, readonly string[]>();
  /** The last buckets used, tried before building a key. */
  readonly #recent: Bucket[] = [];
  #recentNext = 0;

  constructor(metrics: Metrics, clock: Clock, defaultEnv: string) {
    this.#metrics = metrics;
    this.#clock = clock;
    this.#defaultEnv = defaultEnv;
    metrics.aggregator.flushHooks.push((t) => this.#flush(t));
  }

  /** Brings the aggregation to the current bucket: once per payload, before addChunk. */
  advance(): void {
    this.#metrics.aggregator.advance(this.#clock.now(), true);
  }

  /**
   * Counts the top-level spans of one trace chunk, spans [from, to) of a decoded batch, read
   * from its columns; writes their indices to `tops` and answers how many.
   */
  addChunk(b: DecodedBatch, from: number, to: number, tops: number[]): number {
    const { nums, strs, numAt, strAt } = b;
    let count = 0;
    if (to - from > LINEAR_PARENT_SEARCH) indexChunk(nums, numAt, from, to);
    for (let i = from; i < to; i++) {
      const n = numAt[i] as number;
      const s = strAt[i] as number;
      const service = strs[s + 1] as string;
      const parent = parentIn(nums, numAt, from, to, nums[n + 2] as number, nums[n + 3] as number);
      let top = parent < 0 || strs[(strAt[parent] as number) + 1] !== service;
      if (!top) {
        const mk = keySets[nums[n + 8] as number] as KeySet;
        const at = n + 9;
        top =
          (mk.topLevel >= 0 && nums[at + mk.topLevel] === 1) ||
          (mk.measured >= 0 && nums[at + mk.measured] === 1);
      }
      if (!top) continue;
      tops[count++] = i;
      const ks = keySets[nums[n + 7] as number] as KeySet;
      const meta = s + SPAN_STRS;
      const env = ks.env >= 0 ? (strs[meta + ks.env] as string) : this.#defaultEnv;
      const status = ks.status >= 0 ? strs[meta + ks.status] : undefined;
      const version = ks.version >= 0 ? strs[meta + ks.version] : undefined;
      const bucket = this.#bucket(strs[s] as string, env, service, strs[s + 2] as string, status, version);
      const seconds = (nums[n + 6] as number) / 1e9;
      bucket.hits++;
      bucket.errors += nums[n + 4] as number;
      bucket.durationSeconds += seconds;
      if (seconds >= 0) bucket.sketch.accept(seconds);
    }
    return count;
  }

  /** The bucket of these tags: one of the last used when it matches, else by key. */
  #bucket(
    name: string,
    env: string,
    service: string,
    resource: string,
    status: string | undefined,
    version: string | undefined,
  ): Bucket {
    for (const b of this.#recent) {
      if (
        b.resource === resource &&
        b.name === name &&
        b.service === service &&
        b.env === env &&
        b.status === status &&
        b.version === version
      )
        return b;
    }
    const key = `${name}\u0000${env}\u0000${service}\u0000${resource}\u0000${status ?? ''}\u0000${version ?? ''}`;
    let b = this.#buckets.get(key);
    if (!b) {
      let tags = this.#tagCache.get(key);
      if (!tags) {
        const raw = [`env:${env}`, `service:${service}`, `resource_name:${resource}`];
        if (status !== undefined) raw.push(`http.status_code:${status}`);
        if (version !== undefined) raw.push(`version:${version}`);
        tags = enrichTags(raw, this.#metrics.hosts);
        if (this.#tagCache.size > 10_000) this.#tagCache.clear();
        this.#tagCache.set(key, tags);
      }
      b = {
        name,
        env,
        service,
        resource,
        status,
        version,
        tags,
        hits: 0,
        errors: 0,
        durationSeconds: 0,
        sketch: newSketch(),
      };
      this.#buckets.set(key, b);
    }
    this.#recent[this.#recentNext] = b;
    this.#recentNext = (this.#recentNext + 1) % RECENT_BUCKETS;
    return b;
  }

  #flush(t: number): number {
    const store = this.#metrics.store;
    const interval = this.#metrics.aggregator.interval;
    let n = 0;
    for (const b of this.#buckets.values()) {
      const base = `trace.${b.name}`;
      store.addPoint(`${base}.hits`, b.tags, 'count', interval, t, b.hits, 'add');
      store.addPoint(`${base}.errors`, b.tags, 'count', interval, t, b.errors, 'add');
      store.addPoint(`${base}.duration`, b.tags, 'gauge', interval, t, b.durationSeconds, 'add');
      store.addSketch(base, b.tags, t, compactSketch(b.sketch));
      n += 4;
    }
    this.#buckets.clear();
    this.#recent.length = 0;
    this.#recentNext = 0;
    return n;
  }
}

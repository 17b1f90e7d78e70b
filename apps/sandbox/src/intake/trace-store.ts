import type { Span } from './trace-decode.ts';

/** A trace as kept for the console and /sandbox/traces: its spans, in arrival order. */
export interface StoredTrace {
  readonly trace_id: string;
  readonly spans: Span[];
  /** When the first chunk arrived (ms, sandbox clock). */
  readonly received: number;
}

export interface TraceQuery {
  readonly service?: string | undefined;
  readonly resource?: string | undefined;
  readonly name?: string | undefined;
  /** Decimal (low 64 bits), 16-hex or 32-hex (128-bit) trace id. */
  readonly traceId?: string | undefined;
  readonly error?: boolean | undefined;
  /** Only traces received at or after this (ms). */
  readonly since?: number | undefined;
  readonly limit?: number | undefined;
}

export interface ResourceSummary {
  readonly service: string;
  readonly name: string;
  readonly resource: string;
  hits: number;
  errors: number;
  totalDurationNs: number;
  lastSeen: number;
}

/** The low 64 bits of a trace id given as decimal or hex, as the decimal the store keys by. */
export function normalizeTraceId(id: string): string | undefined {
  const s = id.trim();
  if (/^\d{1,20}$/.test(s)) return BigInt.asUintN(64, BigInt(s)).toString();
  if (/^(0x)?[0-9a-fA-F]{1,32}$/.test(s)) {
    const hex = s.replace(/^0x/, '');
    return BigInt.asUintN(64, BigInt(`0x${hex}`)).toString();
  }
  return undefined;
}

/** The root span: parent 0, or whose parent is not in the trace. */
export function rootOf(trace: StoredTrace): Span | undefined {
  const ids = new Set(trace.spans.map((s) => s.span_id));
  return trace.spans.find((s) => s.parent_id === '0') ?? trace.spans.find((s) => !ids.has(s.parent_id));
}

// Compact storage: a trace keeps its spans as one array of numbers (unboxed doubles) and one
// array of string references, instead of one Span object, two id strings and two maps per span
// (~640 B a span). Spans are materialised only when a route or the console asks.
// Per span, `nums`: span id high, low, parent id high, low (see pushId), error, start, duration,
// meta key-set index, metrics key-set index, then the metric values; `strs`: name, service,
// resource, type, then the meta values.
const SPAN_NUMS = 9;
const SPAN_STRS = 4;

interface CompactTrace {
  readonly trace_id: string;
  readonly received: number;
  readonly nums: number[];
  readonly strs: string[];
  count: number;
}

/** Key sets of meta and metrics maps: they repeat from span to span, so each is kept once. */
const keySets: string[][] = [];
const keySetIndex = new Map<string, number>();
function keySetOf(keys: string[]): number {
  const joined = keys.join('\u0000');
  let i = keySetIndex.get(joined);
  if (i === undefined) {
    i = keySets.length;
    keySets.push(keys);
    keySetIndex.set(joined, i);
  }
  return i;
}

/**
 * Appends the values of `o` to `out` and answers its key set, trying the previous span's first
 * (most spans share it): one pass, no join then.
 */
function pushValues<T>(out: T[], o: Readonly<Record<string, T>>, hint: number): number {
  const cand = keySets[hint];
  let same = cand !== undefined;
  let i = 0;
  for (const k in o) {
    if (same && (cand as string[])[i] !== k) same = false;
    out.push(o[k] as T);
    i++;
  }
  if (same && i === (cand as string[]).length) return hint;
  const keys: string[] = [];
  for (const k in o) keys.push(k);
  return keySetOf(keys);
}
let lastMeta = -1;
let lastMetrics = -1;

// Ids are canonical unsigned decimals: kept as the digits above the last ten and the last ten,
// two exact doubles, so neither storing nor materialising needs a BigInt.
const LOW_DIGITS = 10;
function pushId(nums: number[], id: string): void {
  if (id.length <= LOW_DIGITS) nums.push(0, +id);
  else nums.push(+id.slice(0, -LOW_DIGITS), +id.slice(-LOW_DIGITS));
}

function idText(high: number, low: number): string {
  return high === 0 ? String(low) : `${high}${String(low).padStart(LOW_DIGITS, '0')}`;
}

function appendSpan(t: CompactTrace, s: Span): void {
  const { nums, strs } = t;
  strs.push(s.name, s.service, s.resource, s.type);
  lastMeta = pushValues(strs, s.meta, lastMeta);
  pushId(nums, s.span_id);
  pushId(nums, s.parent_id);
  nums.push(s.error, s.start, s.duration, lastMeta, 0);
  const at = nums.length - 1;
  lastMetrics = pushValues(nums, s.metrics, lastMetrics);
  nums[at] = lastMetrics;
  t.count++;
}

/** Calls `fn` with each span's offsets into nums and strs; stops when it returns true. */
function eachSpan(t: CompactTrace, fn: (n: number, s: number) => boolean): void {
  let n = 0;
  let s = 0;
  for (let i = 0; i < t.count; i++) {
    if (fn(n, s)) return;
    const metaCount = (keySets[t.nums[n + 7] as number] as string[]).length;
    const metricCount = (keySets[t.nums[n + 8] as number] as string[]).length;
    n += SPAN_NUMS + metricCount;
    s += SPAN_STRS + metaCount;
  }
}

function materialise(t: CompactTrace): StoredTrace {
  const { nums, strs } = t;
  const spans: Span[] = [];
  eachSpan(t, (n, s) => {
    const metaKeys = keySets[nums[n + 7] as number] as string[];
    const metricKeys = keySets[nums[n + 8] as number] as string[];
    const meta: Record<string, string> = {};
    for (let i = 0; i < metaKeys.length; i++) meta[metaKeys[i] as string] = strs[s + SPAN_STRS + i] as string;
    const metrics: Record<string, number> = {};
    for (let i = 0; i < metricKeys.length; i++)
      metrics[metricKeys[i] as string] = nums[n + SPAN_NUMS + i] as number;
    spans.push({
      trace_id: t.trace_id,
      span_id: idText(nums[n] as number, nums[n + 1] as number),
      parent_id: idText(nums[n + 2] as number, nums[n + 3] as number),
      name: strs[s] as string,
      service: strs[s + 1] as string,
      resource: strs[s + 2] as string,
      type: strs[s + 3] as string,
      error: nums[n + 4] as number,
      start: nums[n + 5] as number,
      duration: nums[n + 6] as number,
      meta,
      metrics,
    });
    return false;
  });
  return { trace_id: t.trace_id, spans, received: t.received };
}

/**
 * ctx.traces: the most recent traces, bounded by a total number of spans (oldest traces go
 * first), looked up by trace id, service, resource, operation name or error.
 */
export class TraceStore {
  readonly maxSpans: number;
  readonly #traces = new Map<string, CompactTrace>();
  readonly #resources = new Map<string, ResourceSummary>();
  #spans = 0;

  constructor(maxSpans = 100_000) {
    this.maxSpans = maxSpans;
  }

  get traceCount(): number {
    return this.#traces.size;
  }

  get spanCount(): number {
    return this.#spans;
  }

  /** Adds one chunk of a trace (dd-trace may send a trace in several chunks). */
  add(spans: Span[], now: number): void {
    if (spans.length === 0) return;
    const id = (spans[0] as Span).trace_id;
    let t = this.#traces.get(id);
    if (!t) {
      t = { trace_id: id, received: now, nums: [], strs: [], count: 0 };
      this.#traces.set(id, t);
    }
    for (const s of spans) appendSpan(t, s);
    this.#spans += spans.length;
    while (this.#spans > this.maxSpans && this.#traces.size > 1) {
      const [oldestId, oldest] = this.#traces.entries().next().value as [string, CompactTrace];
      this.#traces.delete(oldestId);
      this.#spans -= oldest.count;
    }
  }

  /** Counts a top-level span in the per-resource summary (the APM service page). */
  countResource(span: Span, now: number): void {
    const key = `${span.service}\u0000${span.name}\u0000${span.resource}`;
    let r = this.#resources.get(key);
    if (!r) {
      r = {
        service: span.service,
        name: span.name,
        resource: span.resource,
        hits: 0,
        errors: 0,
        totalDurationNs: 0,
        lastSeen: now,
      };
      this.#resources.set(key, r);
    }
    r.hits++;
    r.errors += span.error;
    r.totalDurationNs += span.duration;
    r.lastSeen = now;
  }

  /** The trace with this id (decimal low 64 bits or hex). */
  get(traceId: string): StoredTrace | undefined {
    const id = normalizeTraceId(traceId);
    const t = id === undefined ? undefined : this.#traces.get(id);
    return t === undefined ? undefined : materialise(t);
  }

  /** Traces matching every given filter, newest first. */
  find(query: TraceQuery = {}): StoredTrace[] {
    const limit = query.limit ?? 50;
    if (query.traceId !== undefined) {
      const t = this.get(query.traceId);
      return t ? [t] : [];
    }
    const out: StoredTrace[] = [];
    const all = [...this.#traces.values()];
    const { service, resource, name, error } = query;
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const t = all[i] as CompactTrace;
      if (query.since !== undefined && t.received < query.since) break;
      let hit = false;
      eachSpan(t, (n, s) => {
        hit =
          (service === undefined || t.strs[s + 1] === service) &&
          (resource === undefined || t.strs[s + 2] === resource) &&
          (name === undefined || t.strs[s] === name) &&
          (error === undefined || (t.nums[n + 4] === 1) === error);
        return hit;
      });
      if (hit) out.push(materialise(t));
    }
    return out;
  }

  /** Services seen, each with its resources' hits, errors and mean duration. */
  resources(service?: string): ResourceSummary[] {
    return [...this.#resources.values()].filter((r) => service === undefined || r.service === service);
  }

  /** Names of the services seen. */
  services(): string[] {
    return [...new Set([...this.#resources.values()].map((r) => r.service))].sort();
  }
}

import {
  type DecodedBatch,
  idHalves,
  idText,
  type KeySet,
  keySetOf,
  keySets,
  SPAN_NUMS,
  SPAN_STRS,
  type Span,
  spanAt,
} from './trace-decode.ts';

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
// array of string references, in the decoder's layout (trace-decode.ts: ids as two 32-bit
// halves, meta/metrics key sets shared), instead of one Span object, two id strings and two maps
// per span. Spans are materialised only when a route or the console asks.

interface CompactTrace {
  readonly trace_id: string;
  readonly received: number;
  nums: number[];
  strs: string[];
  count: number;
}

/** Calls `fn` with each span's offsets into nums and strs; stops when it returns true. */
function eachSpan(t: CompactTrace, fn: (n: number, s: number) => boolean): void {
  let n = 0;
  let s = 0;
  for (let i = 0; i < t.count; i++) {
    if (fn(n, s)) return;
    const metaCount = (keySets[t.nums[n + 7] as number] as KeySet).keys.length;
    const metricCount = (keySets[t.nums[n + 8] as number] as KeySet).keys.length;
    n += SPAN_NUMS + metricCount;
    s += SPAN_STRS + metaCount;
  }
}

function materialise(t: CompactTrace): StoredTrace {
  const spans: Span[] = [];
  eachSpan(t, (n, s) => {
    spans.push(spanAt(t.trace_id, t.nums, t.strs, n, s));
    return false;
  });
  return { trace_id: t.trace_id, spans, received: t.received };
}

function pushSpan(t: CompactTrace, s: Span): void {
  const { nums, strs } = t;
  const metaKeys = Object.keys(s.meta);
  const metricKeys = Object.keys(s.metrics);
  const [sh, sl] = idHalves(s.span_id);
  const [ph, pl] = idHalves(s.parent_id);
  nums.push(sh, sl, ph, pl, s.error, s.start, s.duration, keySetOf(metaKeys), keySetOf(metricKeys));
  for (const k of metricKeys) nums.push(s.metrics[k] as number);
  strs.push(s.name, s.service, s.resource, s.type);
  for (const k of metaKeys) strs.push(s.meta[k] as string);
  t.count++;
}

const RECENT_RESOURCES = 8;

/**
 * ctx.traces: the most recent traces, bounded by a total number of spans (oldest traces go
 * first), looked up by trace id, service, resource, operation name or error.
 */
export class TraceStore {
  readonly maxSpans: number;
  readonly #traces = new Map<string, CompactTrace>();
  /** Traces in arrival order from #head (the eviction queue). */
  #order: CompactTrace[] = [];
  #head = 0;
  readonly #resources = new Map<string, ResourceSummary>();
  /** The last summaries counted, tried before building a key. */
  readonly #recent: ResourceSummary[] = [];
  #recentNext = 0;
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

  #trace(id: string, now: number): CompactTrace {
    let t = this.#traces.get(id);
    if (!t) {
      t = { trace_id: id, received: now, nums: [], strs: [], count: 0 };
      this.#traces.set(id, t);
      this.#order.push(t);
    }
    return t;
  }

  #evict(): void {
    while (this.#spans > this.maxSpans && this.#traces.size > 1) {
      const oldest = this.#order[this.#head] as CompactTrace;
      this.#order[this.#head++] = undefined as unknown as CompactTrace;
      this.#traces.delete(oldest.trace_id);
      this.#spans -= oldest.count;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Adds one chunk of a trace (dd-trace may send a trace in several chunks). */
  add(spans: Span[], now: number): void {
    if (spans.length === 0) return;
    const t = this.#trace((spans[0] as Span).trace_id, now);
    for (const s of spans) pushSpan(t, s);
    this.#spans += spans.length;
    this.#evict();
  }

  /**
   * Adds spans [from, to) of a decoded batch, one chunk of a trace: copied as they are from the
   * decoder's columns (a chunk mixing trace ids is split by id).
   */
  addDecoded(b: DecodedBatch, from: number, to: number, now: number): void {
    if (to <= from) return;
    const hi = b.traceHi[from] as number;
    const lo = b.traceLo[from] as number;
    let same = true;
    for (let i = from + 1; i < to && same; i++) same = b.traceHi[i] === hi && b.traceLo[i] === lo;
    if (same) {
      const t = this.#trace(idText(hi, lo), now);
      const n0 = b.numAt[from] as number;
      const n1 = b.numAt[to] as number;
      const s0 = b.strAt[from] as number;
      const s1 = b.strAt[to] as number;
      if (t.count === 0) {
        t.nums = b.nums.slice(n0, n1);
        t.strs = b.strs.slice(s0, s1);
      } else {
        for (let i = n0; i < n1; i++) t.nums.push(b.nums[i] as number);
        for (let i = s0; i < s1; i++) t.strs.push(b.strs[i] as string);
      }
      t.count += to - from;
    } else {
      for (let i = from; i < to; i++) {
        const t = this.#trace(idText(b.traceHi[i] as number, b.traceLo[i] as number), now);
        for (let k = b.numAt[i] as number; k < (b.numAt[i + 1] as number); k++)
          t.nums.push(b.nums[k] as number);
        for (let k = b.strAt[i] as number; k < (b.strAt[i + 1] as number); k++)
          t.strs.push(b.strs[k] as string);
        t.count++;
      }
    }
    this.#spans += to - from;
    this.#evict();
  }

  /** Counts a top-level span in the per-resource summary (the APM service page). */
  countResource(
    service: string,
    name: string,
    resource: string,
    error: number,
    durationNs: number,
    now: number,
  ): void {
    let r: ResourceSummary | undefined;
    for (const x of this.#recent) {
      if (x.resource === resource && x.name === name && x.service === service) {
        r = x;
        break;
      }
    }
    if (r === undefined) {
      const key = `${service}\u0000${name}\u0000${resource}`;
      r = this.#resources.get(key);
      if (!r) {
        r = { service, name, resource, hits: 0, errors: 0, totalDurationNs: 0, lastSeen: now };
        this.#resources.set(key, r);
      }
      this.#recent[this.#recentNext] = r;
      this.#recentNext = (this.#recentNext + 1) % RECENT_RESOURCES;
    }
    r.hits++;
    r.errors += error;
    r.totalDurationNs += durationNs;
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
    const order = this.#order;
    const { service, resource, name, error } = query;
    for (let i = order.length - 1; i >= this.#head && out.length < limit; i--) {
      const t = order[i] as CompactTrace;
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

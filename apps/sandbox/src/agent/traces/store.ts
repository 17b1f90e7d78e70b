import { type Span, topLevelSpans } from './span.ts';

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

/** Top-level spans of one service, operation and resource counted since the sandbox started. */
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
  if (/^(0x)?[0-9a-fA-F]{1,32}$/.test(s))
    return BigInt.asUintN(64, BigInt(`0x${s.replace(/^0x/, '')}`)).toString();
  return undefined;
}

/** The root span: parent 0, or whose parent is not in the trace. */
export function rootOf(trace: StoredTrace): Span | undefined {
  const ids = new Set(trace.spans.map((s) => s.span_id));
  return trace.spans.find((s) => s.parent_id === '0') ?? trace.spans.find((s) => !ids.has(s.parent_id));
}

/**
 * ctx.traces: the newest traces, bounded by their total number of spans (the oldest whole traces
 * go first), found by trace id, service, resource, operation name or error; and per resource the
 * hits, errors and durations of every top-level span received (the APM service page).
 */
export class TraceStore {
  readonly maxSpans: number;
  /** By trace id, oldest first (a Map keeps insertion order; later chunks join their trace). */
  readonly #traces = new Map<string, StoredTrace>();
  #spans = 0;
  readonly #resources = new Map<string, ResourceSummary>();

  constructor(maxSpans = 100_000) {
    this.maxSpans = maxSpans;
  }

  get traceCount(): number {
    return this.#traces.size;
  }

  get spanCount(): number {
    return this.#spans;
  }

  /** Adds one chunk of a trace (dd-trace may send a trace in several chunks, even mixed ids). */
  add(chunk: readonly Span[], now: number): void {
    // Arrays of exactly the spans they hold (push would leave spare capacity in each kept trace).
    const ids = new Set(chunk.map((s) => s.trace_id));
    for (const id of ids) {
      const spans = ids.size === 1 ? chunk.slice() : chunk.filter((s) => s.trace_id === id);
      const trace = this.#traces.get(id);
      // Set on a key already there keeps its place: the trace's age is its first chunk's.
      this.#traces.set(
        id,
        trace === undefined
          ? { trace_id: id, spans, received: now }
          : { ...trace, spans: trace.spans.concat(spans) },
      );
      this.#spans += spans.length;
    }
    this.#evict(chunk[chunk.length - 1]?.trace_id);
    for (const s of topLevelSpans(chunk)) this.#count(s, now);
  }

  /** Drops the oldest traces past maxSpans; the newest trace, if alone too big, loses its oldest spans. */
  #evict(newest: string | undefined): void {
    for (const [id, trace] of this.#traces) {
      if (this.#spans <= this.maxSpans) return;
      if (id === newest) continue;
      this.#traces.delete(id);
      this.#spans -= trace.spans.length;
    }
    const trace = newest === undefined ? undefined : this.#traces.get(newest);
    if (trace !== undefined && this.#spans > this.maxSpans) {
      trace.spans.splice(0, this.#spans - this.maxSpans);
      this.#spans = trace.spans.length;
    }
  }

  #count(s: Span, now: number): void {
    const key = `${s.service}\u0000${s.name}\u0000${s.resource}`;
    let r = this.#resources.get(key);
    if (r === undefined) {
      r = {
        service: s.service,
        name: s.name,
        resource: s.resource,
        hits: 0,
        errors: 0,
        totalDurationNs: 0,
        lastSeen: now,
      };
      this.#resources.set(key, r);
    }
    r.hits++;
    r.errors += s.error;
    r.totalDurationNs += s.duration;
    r.lastSeen = now;
  }

  /** The trace with this id (decimal low 64 bits or hex). */
  get(traceId: string): StoredTrace | undefined {
    const id = normalizeTraceId(traceId);
    return id === undefined ? undefined : this.#traces.get(id);
  }

  /** Traces with a span matching every given filter, newest first. */
  find(query: TraceQuery = {}): StoredTrace[] {
    if (query.traceId !== undefined) {
      const t = this.get(query.traceId);
      return t ? [t] : [];
    }
    const { service, resource, name, error, since, limit = 50 } = query;
    const matches = (s: Span) =>
      (service === undefined || s.service === service) &&
      (resource === undefined || s.resource === resource) &&
      (name === undefined || s.name === name) &&
      (error === undefined || (s.error === 1) === error);
    const all = [...this.#traces.values()];
    const out: StoredTrace[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const t = all[i] as StoredTrace;
      if (since !== undefined && t.received < since) break;
      if (t.spans.some(matches)) out.push(t);
    }
    return out;
  }

  /** Each resource's hits, errors and total duration; those of one service if given. */
  resources(service?: string): ResourceSummary[] {
    return [...this.#resources.values()].filter((r) => service === undefined || r.service === service);
  }

  /** Names of the services seen, sorted. */
  services(): string[] {
    return [...new Set([...this.#resources.values()].map((r) => r.service))].sort();
  }
}

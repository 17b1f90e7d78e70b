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

/**
 * ctx.traces: the most recent traces, bounded by a total number of spans (oldest traces go
 * first), looked up by trace id, service, resource, operation name or error.
 */
export class TraceStore {
  readonly maxSpans: number;
  readonly #traces = new Map<string, StoredTrace>();
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
    const existing = this.#traces.get(id);
    if (existing) existing.spans.push(...spans);
    else this.#traces.set(id, { trace_id: id, spans: [...spans], received: now });
    this.#spans += spans.length;
    while (this.#spans > this.maxSpans && this.#traces.size > 1) {
      const [oldestId, oldest] = this.#traces.entries().next().value as [string, StoredTrace];
      this.#traces.delete(oldestId);
      this.#spans -= oldest.spans.length;
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
    return id === undefined ? undefined : this.#traces.get(id);
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
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const t = all[i] as StoredTrace;
      if (query.since !== undefined && t.received < query.since) break;
      if (
        t.spans.some(
          (s) =>
            (query.service === undefined || s.service === query.service) &&
            (query.resource === undefined || s.resource === query.resource) &&
            (query.name === undefined || s.name === query.name) &&
            (query.error === undefined || (s.error === 1) === query.error),
        )
      ) {
        out.push(t);
      }
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

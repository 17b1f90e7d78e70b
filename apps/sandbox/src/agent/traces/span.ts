/** A span as the sandbox keeps it; ids are exact unsigned 64-bit decimals (dd-trace logs them so). */
export interface Span {
  readonly trace_id: string;
  readonly span_id: string;
  /** '0' for a root span. */
  readonly parent_id: string;
  readonly name: string;
  readonly service: string;
  readonly resource: string;
  readonly type: string;
  readonly error: number;
  /** Nanoseconds since the epoch (a double: exact to a fraction of a microsecond). */
  readonly start: number;
  /** Nanoseconds. */
  readonly duration: number;
  readonly meta: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A payload that is not traces; the intake answers 400 with its message. */
export class TraceDecodeError extends Error {}

/**
 * The spans of one trace chunk the Agent computes trace metrics from: roots, spans whose parent
 * is not in the chunk or is in another service, and spans marked _dd.top_level or _dd.measured.
 */
export function topLevelSpans(chunk: readonly Span[]): Span[] {
  const byId = new Map<string, Span>();
  for (const s of chunk) byId.set(s.span_id, s);
  return chunk.filter((s) => {
    const parent = s.parent_id === '0' ? undefined : byId.get(s.parent_id);
    return (
      parent === undefined ||
      parent.service !== s.service ||
      s.metrics['_dd.top_level'] === 1 ||
      s.metrics['_dd.measured'] === 1
    );
  });
}

// A span as the sandbox holds it: its object form (Span), its column layout (SPAN_NUMS, SPAN_STRS:
// what the decoder writes and the store keeps), its 64-bit ids as decimals or 32-bit halves, and
// the decoding error. The decoder is trace-decode.ts.

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
  /** Nanoseconds since the epoch (a float: exact to ~0.25 µs). */
  readonly start: number;
  /** Nanoseconds. */
  readonly duration: number;
  readonly meta: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A decoding problem, answered 400 with its message. */
export class TraceDecodeError extends Error {}

export function fail(message: string): never {
  throw new TraceDecodeError(message);
}

// ---------------------------------------------------------------------------------------------
// The compact span layout, shared with the store (trace-store.ts).
// Per span, `nums`: span id high 32 bits, low 32 bits, parent id high, low, error (0/1), start,
// duration, meta key-set index, metrics key-set index, then the metric values in key-set order;
// `strs`: name, service, resource, type, then the meta values in key-set order.
export const SPAN_NUMS = 9;
export const SPAN_STRS = 4;

/** A span's numbers besides its metrics, as the decoder's batch and the store keep them. */
export interface SpanScalars {
  readonly spanHi: number;
  readonly spanLo: number;
  readonly parentHi: number;
  readonly parentLo: number;
  readonly error: number;
  readonly start: number;
  readonly duration: number;
}

/**
 * A span as an object (routes, the console, tests) from its stored parts: strs[s..s+3] its name,
 * service, resource and type, strs[s + SPAN_STRS + i] the value of metaKeys[i], nums[m + i] the
 * value of metricKeys[i].
 */
export function spanObject(
  traceId: string,
  x: SpanScalars,
  metaKeys: readonly string[],
  metricKeys: readonly string[],
  strs: readonly string[],
  s: number,
  nums: ArrayLike<number>,
  m: number,
): Span {
  const meta: Record<string, string> = {};
  for (let i = 0; i < metaKeys.length; i++) meta[metaKeys[i] as string] = strs[s + SPAN_STRS + i] as string;
  const metrics: Record<string, number> = {};
  for (let i = 0; i < metricKeys.length; i++) metrics[metricKeys[i] as string] = nums[m + i] as number;
  return {
    trace_id: traceId,
    span_id: idText(x.spanHi, x.spanLo),
    parent_id: idText(x.parentHi, x.parentLo),
    name: strs[s] as string,
    service: strs[s + 1] as string,
    resource: strs[s + 2] as string,
    type: strs[s + 3] as string,
    error: x.error,
    start: x.start,
    duration: x.duration,
    meta,
    metrics,
  };
}

/** The unsigned decimal of a 64-bit id given as two 32-bit halves. */
export function idText(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** The two 32-bit halves of an unsigned decimal id. */
export function idHalves(id: string): [number, number] {
  const v = BigInt.asUintN(64, BigInt(id));
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

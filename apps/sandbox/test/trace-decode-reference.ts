import { Unpackr } from 'msgpackr';

// The msgpackr-based decoder the intake used before its own (src/intake/trace-decode.ts): kept
// as the reference the new decoder's output is compared with (test/trace-decode.test.ts).
import { type Span, TraceDecodeError } from '../src/agent/traces/span.ts';

// The Agent's normaliser defaults (pkg/trace/traceutil/normalize.go).
const DEFAULT_SERVICE = 'unnamed-service';
const DEFAULT_NAME = 'unnamed_operation';

/**
 * msgpackr decodes dd-trace's payloads ~1.6x faster than @msgpack/msgpack (short strings and map
 * keys are its strength). 64-bit integers: a number when exact, a BigInt beyond 2^53, so ids stay
 * exact. Plain msgpack only: no records extension. Unlike @msgpack/msgpack it reads the unused
 * byte 0xc1 as a placeholder object instead of failing; the type checks below still answer 400
 * wherever a span field holds one.
 */
const decoder = new Unpackr({
  // 'auto' is implemented (unpack.js) but missing from the typings.
  int64AsType: 'auto' as 'bigint',
  useRecords: false,
  mapsAsObjects: true,
});

/** Strings repeat across spans (service, names, meta keys): one copy each, bounded. */
const interned = new Map<string, string>();
function intern(s: string): string {
  if (s.length > 64) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 50_000) interned.clear();
  interned.set(s, s);
  return s;
}

// The spans of a trace arrive together: their trace id is converted (and stored) once.
let lastTraceId: unknown;
let lastTraceIdText = '';
function traceIdOf(v: unknown, where: string): string {
  if (v !== lastTraceId || lastTraceId === undefined) {
    lastTraceIdText = idOf(v, 'trace_id', where);
    lastTraceId = v;
  }
  return lastTraceIdText;
}

function idOf(v: unknown, what: string, where: string): string {
  if (typeof v === 'bigint') return (v < 0n ? BigInt.asUintN(64, v) : v).toString();
  if (typeof v === 'number' && Number.isSafeInteger(v))
    return (v < 0 ? BigInt.asUintN(64, BigInt(v)) : v).toString();
  throw new TraceDecodeError(`${where}: ${what} is not a 64-bit integer`);
}

function numberOf(v: unknown, what: string, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined || v === null) return 0;
  throw new TraceDecodeError(`${where}: ${what} is not a number`);
}

function stringOf(v: unknown, what: string, where: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw new TraceDecodeError(`${where}: ${what} is not a string`);
}

/**
 * Meta keys whose values repeat across spans (one copy kept); other values (urls, statements,
 * ids) are mostly unique, and hashing them to intern costs more than it saves.
 */
const LOW_CARDINALITY = new Set([
  'env',
  'version',
  'language',
  'runtime-id',
  'component',
  'span.kind',
  '_dd.integration',
  '_dd.p.dm',
  'http.method',
  'http.status_code',
  'http.route',
  'db.type',
  'db.name',
  'db.user',
  'db.system',
  'out.host',
  'peer.service',
  'span.type',
  'error.type',
  '_dd.base_service',
]);

// meta and metrics are validated and interned in place: the decoder's own object is kept (no copy).
function metaOf(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new TraceDecodeError(`${where}: meta is not a map`);
  const m = v as Record<string, unknown>;
  for (const k in m) {
    const x = m[k];
    if (typeof x !== 'string') throw new TraceDecodeError(`${where}: meta.${k} is not a string`);
    if (LOW_CARDINALITY.has(k)) m[k] = intern(x);
  }
  return m as Record<string, string>;
}

function metricsOf(v: unknown, where: string): Record<string, number> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new TraceDecodeError(`${where}: metrics is not a map`);
  const m = v as Record<string, unknown>;
  for (const k in m) {
    const x = m[k];
    if (typeof x === 'bigint') m[k] = Number(x);
    else if (typeof x !== 'number') throw new TraceDecodeError(`${where}: metrics.${k} is not a number`);
  }
  return m as Record<string, number>;
}

function makeSpan(
  fields: {
    trace_id: unknown;
    span_id: unknown;
    parent_id: unknown;
    name: unknown;
    service: unknown;
    resource: unknown;
    type: unknown;
    error: unknown;
    start: unknown;
    duration: unknown;
    meta: unknown;
    metrics: unknown;
  },
  where: string,
): Span {
  const name = stringOf(fields.name, 'name', where) || DEFAULT_NAME;
  return {
    trace_id: traceIdOf(fields.trace_id, where),
    span_id: idOf(fields.span_id, 'span_id', where),
    parent_id:
      fields.parent_id === undefined || fields.parent_id === null
        ? '0'
        : idOf(fields.parent_id, 'parent_id', where),
    name: intern(name),
    service: intern(stringOf(fields.service, 'service', where) || DEFAULT_SERVICE),
    resource: intern(stringOf(fields.resource, 'resource', where) || name),
    type: intern(stringOf(fields.type, 'type', where)),
    error: numberOf(fields.error, 'error', where) ? 1 : 0,
    start: numberOf(fields.start, 'start', where),
    duration: numberOf(fields.duration, 'duration', where),
    meta: metaOf(fields.meta, where),
    metrics: metricsOf(fields.metrics, where),
  };
}

function decodeBody(body: Uint8Array): unknown {
  try {
    return decoder.unpack(body);
  } catch (error) {
    throw new TraceDecodeError(`body is not valid msgpack: ${(error as Error).message}`);
  }
}

/** Decodes a /v0.4/traces body: an array of traces, each an array of span maps. */
export function referenceDecodeV04(body: Uint8Array): Span[][] {
  const root = decodeBody(body);
  if (!Array.isArray(root)) throw new TraceDecodeError('body is not an array of traces');
  return root.map((trace, t) => {
    if (!Array.isArray(trace)) throw new TraceDecodeError(`trace ${t} is not an array of spans`);
    return trace.map((span, s) => {
      const where = `trace ${t} span ${s}`;
      if (typeof span !== 'object' || span === null || Array.isArray(span))
        throw new TraceDecodeError(`${where} is not a map`);
      const m = span as Record<string, unknown>;
      if (m.trace_id === undefined) throw new TraceDecodeError(`${where}: trace_id is missing`);
      if (m.span_id === undefined) throw new TraceDecodeError(`${where}: span_id is missing`);
      return makeSpan(m as Parameters<typeof makeSpan>[0], where);
    });
  });
}

/** Decodes a /v0.5/traces body: [string table, traces of 12-element span arrays]. */
export function referenceDecodeV05(body: Uint8Array): Span[][] {
  const root = decodeBody(body);
  if (!Array.isArray(root) || root.length !== 2 || !Array.isArray(root[0]) || !Array.isArray(root[1])) {
    throw new TraceDecodeError('body is not [string table, traces]');
  }
  const table = root[0] as unknown[];
  const str = (i: unknown, what: string, where: string): string => {
    const idx = typeof i === 'bigint' ? Number(i) : i;
    if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= table.length) {
      throw new TraceDecodeError(`${where}: ${what} is not an index of the string table`);
    }
    const v = table[idx];
    if (typeof v !== 'string')
      throw new TraceDecodeError(`${where}: string table entry ${idx} is not a string`);
    return v;
  };
  return (root[1] as unknown[]).map((trace, t) => {
    if (!Array.isArray(trace)) throw new TraceDecodeError(`trace ${t} is not an array of spans`);
    return trace.map((span, s) => {
      const where = `trace ${t} span ${s}`;
      if (!Array.isArray(span) || span.length < 11)
        throw new TraceDecodeError(`${where} is not a 12-element array`);
      const meta: Record<string, string> = {};
      if (span[9] !== null && typeof span[9] === 'object') {
        for (const [k, v] of span[9] instanceof Map ? span[9] : Object.entries(span[9]))
          meta[str(Number(k), 'meta key', where)] = str(v, 'meta value', where);
      }
      const metrics: Record<string, number> = {};
      if (span[10] !== null && typeof span[10] === 'object') {
        for (const [k, v] of span[10] instanceof Map ? span[10] : Object.entries(span[10]))
          metrics[str(Number(k), 'metrics key', where)] = numberOf(v, 'metric value', where);
      }
      return makeSpan(
        {
          service: str(span[0], 'service', where),
          name: str(span[1], 'name', where),
          resource: str(span[2], 'resource', where),
          trace_id: span[3],
          span_id: span[4],
          parent_id: span[5],
          start: span[6],
          duration: span[7],
          error: span[8],
          meta,
          metrics,
          type: span[11] === undefined ? '' : str(span[11], 'type', where),
        },
        where,
      );
    });
  });
}

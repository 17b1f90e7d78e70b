// The /v0.4/traces and /v0.5/traces payloads (msgpack, as dd-trace sends them) into Span objects.
// @msgpack/msgpack reads the bytes; this module checks the shape and names what is wrong.
import { Decoder, ExtData } from '@msgpack/msgpack';
import { Repeats } from './repeats.ts';
import { type Span, TraceDecodeError } from './span.ts';

// The Agent's normaliser defaults (pkg/trace/traceutil/normalize.go).
const DEFAULT_SERVICE = 'unnamed-service';
const DEFAULT_NAME = 'unnamed_operation';

const fail = (message: string): never => {
  throw new TraceDecodeError(message);
};

/** What a decoded value is, for error messages. */
function kind(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'bigint') return 'an integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a float';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Uint8Array) return 'binary';
  if (v instanceof ExtData || v instanceof Date) return 'an extension';
  if (Array.isArray(v)) return 'an array';
  return 'a map';
}

const wrong = (what: string, expected: string, v: unknown): never =>
  fail(`${what} is not ${expected} (found ${kind(v)})`);

// 64-bit integers as BigInt, so ids stay exact; smaller integers as numbers.
const decoder = new Decoder({
  useBigInt64: true,
  // Map keys become object keys: v0.5's string-table indices may come as 64-bit integers.
  mapKeyConverter: (key) => {
    if (typeof key === 'string' || typeof key === 'number') return key;
    if (typeof key === 'bigint') return key.toString();
    return wrong('a map key', 'a string or an integer', key);
  },
});

function parse(body: Uint8Array): unknown {
  try {
    return decoder.decode(body);
  } catch (error) {
    if (error instanceof TraceDecodeError) throw error;
    throw new TraceDecodeError(`body is not valid msgpack: ${(error as Error).message}`);
  }
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && kind(v) === 'a map';

/** A field's problem; traces() adds the trace and span it is in (so no text is built per span). */
class FieldProblem extends Error {}

const problem = (field: string, expected: string, v: unknown): never => {
  throw new FieldProblem(`${field} is not ${expected} (found ${kind(v)})`);
};

/** The unsigned 64-bit decimal an id encodes (negative ones are two's complement). */
const decimal = (v: bigint | number): string =>
  typeof v === 'bigint'
    ? BigInt.asUintN(64, v).toString()
    : v >= 0
      ? String(v)
      : BigInt.asUintN(64, BigInt(v)).toString();

function id(v: unknown, field: string, r: Repeats): string {
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return r.id(v, decimal);
  return problem(field, 'a 64-bit integer', v);
}

/** A number; nil reads as 0 where the Agent reads it so. */
function num(v: unknown, field: string, nilIsZero = true): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (nilIsZero && (v === null || v === undefined)) return 0;
  return problem(field, 'a number', v);
}

/** A string field; nil reads as ''. */
function str(v: unknown, field: string, r: Repeats): string {
  if (typeof v === 'string') return r.string(v);
  if (v === null || v === undefined) return '';
  return problem(field, 'a string', v);
}

interface Fields {
  trace_id: string;
  span_id: string;
  parent_id: string;
  name: string;
  service: string;
  resource: string;
  type: string;
  error: unknown;
  start: unknown;
  duration: unknown;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

function span(f: Fields, r: Repeats): Span {
  const name = f.name || DEFAULT_NAME;
  return {
    trace_id: f.trace_id,
    span_id: f.span_id,
    parent_id: f.parent_id,
    name,
    service: f.service || DEFAULT_SERVICE,
    resource: f.resource || name,
    type: f.type,
    error: num(f.error, 'error') ? 1 : 0,
    start: num(f.start, 'start'),
    duration: num(f.duration, 'duration'),
    meta: r.map(f.meta),
    metrics: r.map(f.metrics),
  };
}

/** The traces of a body: arrays of spans, each `expected` (`isSpan`) and then read by `read`. */
function traces<T>(
  list: Iterable<unknown>,
  isSpan: (s: unknown) => s is T,
  expected: string,
  read: (span: T) => Span,
): Span[][] {
  const out: Span[][] = [];
  let t = 0;
  for (const trace of list) {
    if (!Array.isArray(trace)) return wrong(`trace ${t}`, 'an array of spans', trace);
    const spans = trace.map((s, i) => {
      if (!isSpan(s)) return wrong(`trace ${t} span ${i}`, expected, s);
      try {
        return read(s);
      } catch (error) {
        if (error instanceof FieldProblem) fail(`trace ${t} span ${i}: ${error.message}`);
        throw error;
      }
    });
    out.push(spans);
    t++;
  }
  return out;
}

/**
 * Decodes a /v0.4/traces body: an array of traces, each an array of span maps. Unknown span
 * fields (meta_struct, span_links...) are ignored. Throws TraceDecodeError naming the problem.
 */
export function decodeV04(body: Uint8Array): Span[][] {
  const root = parse(body);
  if (!Array.isArray(root)) return wrong('body', 'an array of traces', root);
  const r = new Repeats();
  return traces(root, isMap, 'a map', (s) => {
    if (s.trace_id === undefined) throw new FieldProblem('trace_id is missing');
    if (s.span_id === undefined) throw new FieldProblem('span_id is missing');
    const meta = s.meta ?? {};
    if (!isMap(meta)) return problem('meta', 'a map', meta);
    for (const k in meta) {
      const v = meta[k];
      meta[k] = typeof v === 'string' ? r.string(v) : problem(`meta.${k}`, 'a string', v);
    }
    const metrics = s.metrics ?? {};
    if (!isMap(metrics)) return problem('metrics', 'a map', metrics);
    for (const k in metrics) {
      const v = metrics[k];
      if (typeof v !== 'number') metrics[k] = num(v, `metrics.${k}`, false);
    }
    return span(
      {
        trace_id: id(s.trace_id, 'trace_id', r),
        span_id: id(s.span_id, 'span_id', r),
        parent_id: s.parent_id == null ? '0' : id(s.parent_id, 'parent_id', r),
        name: str(s.name, 'name', r),
        service: str(s.service, 'service', r),
        resource: str(s.resource, 'resource', r),
        type: str(s.type, 'type', r),
        error: s.error,
        start: s.start,
        duration: s.duration,
        meta: meta as Record<string, string>,
        metrics: metrics as Record<string, number>,
      },
      r,
    );
  });
}

/**
 * Decodes a /v0.5/traces body: [string table, traces], each span an array of 12 fields (11 from
 * older tracers: no type) whose strings are indices into the table.
 */
export function decodeV05(body: Uint8Array): Span[][] {
  const root = parse(body);
  if (!Array.isArray(root) || root.length !== 2) return fail('body is not [string table, traces]');
  const [table, list] = root as [unknown, unknown];
  if (!Array.isArray(table))
    return fail('body is not [string table, traces]: the string table is not an array');
  for (const [i, s] of table.entries())
    if (typeof s !== 'string') wrong(`string table entry ${i}`, 'a string', s);
  if (!Array.isArray(list)) return fail('body is not [string table, traces]: traces is not an array');
  const strings = table as string[];
  const r = new Repeats();
  // Map keys arrive as object keys: the index's decimal string.
  const at = (v: unknown, field: string): string => {
    const i =
      typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= strings.length)
      return problem(field, `an index of the ${strings.length}-string table`, v);
    return strings[i] as string;
  };
  const isSpan = (s: unknown): s is unknown[] => Array.isArray(s) && s.length >= 11;
  return traces(list, isSpan, 'a 12-element array', (s) => {
    const meta: Record<string, string> = {};
    const metaMap = s[9] ?? {};
    if (!isMap(metaMap)) return problem('meta', 'a map', metaMap);
    for (const k in metaMap) meta[at(k, 'meta key')] = at(metaMap[k], 'meta value');
    const metrics: Record<string, number> = {};
    const metricsMap = s[10] ?? {};
    if (!isMap(metricsMap)) return problem('metrics', 'a map', metricsMap);
    for (const k in metricsMap) metrics[at(k, 'metrics key')] = num(metricsMap[k], 'metric value');
    return span(
      {
        service: at(s[0], 'service'),
        name: at(s[1], 'name'),
        resource: at(s[2], 'resource'),
        trace_id: id(s[3], 'trace_id', r),
        span_id: id(s[4], 'span_id', r),
        parent_id: s[5] == null ? '0' : id(s[5], 'parent_id', r),
        start: s[6],
        duration: s[7],
        error: s[8],
        meta,
        metrics,
        type: s.length > 11 ? at(s[11], 'type') : '',
      },
      r,
    );
  });
}

import { describe, expect, it } from 'vitest';
import { decodeV04, decodeV05 } from './decode.ts';
import { type Span, TraceDecodeError } from './span.ts';

// Hand-made msgpack, one function per wire type, so each type the decoder reads is named.
type Bytes = number[];
const be = (v: bigint, n: number): Bytes =>
  Array.from({ length: n }, (_, i) => Number((BigInt.asUintN(n * 8, v) >> BigInt(8 * (n - 1 - i))) & 0xffn));
const utf8 = (s: string): Bytes => [...Buffer.from(s, 'utf8')];
const m = {
  fixint: (v: number): Bytes => [v & 0xff],
  u8: (v: number): Bytes => [0xcc, v],
  u16: (v: number): Bytes => [0xcd, ...be(BigInt(v), 2)],
  u32: (v: number): Bytes => [0xce, ...be(BigInt(v), 4)],
  u64: (v: bigint): Bytes => [0xcf, ...be(v, 8)],
  i8: (v: number): Bytes => [0xd0, ...be(BigInt(v), 1)],
  i16: (v: number): Bytes => [0xd1, ...be(BigInt(v), 2)],
  i32: (v: number): Bytes => [0xd2, ...be(BigInt(v), 4)],
  i64: (v: bigint): Bytes => [0xd3, ...be(v, 8)],
  f32: (v: number): Bytes => {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    return [0xca, ...b];
  },
  f64: (v: number): Bytes => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return [0xcb, ...b];
  },
  nil: (): Bytes => [0xc0],
  bool: (v: boolean): Bytes => [v ? 0xc3 : 0xc2],
  fixstr: (s: string): Bytes => [0xa0 | utf8(s).length, ...utf8(s)],
  str8: (s: string): Bytes => [0xd9, utf8(s).length, ...utf8(s)],
  str16: (s: string): Bytes => [0xda, ...be(BigInt(utf8(s).length), 2), ...utf8(s)],
  str32: (s: string): Bytes => [0xdb, ...be(BigInt(utf8(s).length), 4), ...utf8(s)],
  bin8: (b: Bytes): Bytes => [0xc4, b.length, ...b],
  bin16: (b: Bytes): Bytes => [0xc5, ...be(BigInt(b.length), 2), ...b],
  bin32: (b: Bytes): Bytes => [0xc6, ...be(BigInt(b.length), 4), ...b],
  fixarray: (items: Bytes[]): Bytes => [0x90 | items.length, ...items.flat()],
  array16: (items: Bytes[]): Bytes => [0xdc, ...be(BigInt(items.length), 2), ...items.flat()],
  array32: (items: Bytes[]): Bytes => [0xdd, ...be(BigInt(items.length), 4), ...items.flat()],
  fixmap: (e: Array<[Bytes, Bytes]>): Bytes => [0x80 | e.length, ...e.flat(2)],
  map16: (e: Array<[Bytes, Bytes]>): Bytes => [0xde, ...be(BigInt(e.length), 2), ...e.flat(2)],
  map32: (e: Array<[Bytes, Bytes]>): Bytes => [0xdf, ...be(BigInt(e.length), 4), ...e.flat(2)],
};

/** A v0.4 body of one trace of one span whose fields are given as encoded values. */
function body04(fields: Record<string, Bytes>): Uint8Array {
  const all: Record<string, Bytes> = { trace_id: m.fixint(1), span_id: m.fixint(2), ...fields };
  return Uint8Array.from(
    m.fixarray([m.fixarray([m.map16(Object.entries(all).map(([k, v]) => [m.fixstr(k), v]))])]),
  );
}
const span04 = (fields: Record<string, Bytes>): Span => decodeV04(body04(fields))[0]?.[0] as Span;
const error04 = (fields: Record<string, Bytes>): string => {
  try {
    decodeV04(body04(fields));
  } catch (e) {
    if (e instanceof TraceDecodeError) return e.message;
    throw e;
  }
  throw new Error('decoded');
};

const MAX = 18_446_744_073_709_551_615n;

describe('trace decoder: each msgpack type', () => {
  it.each([
    ['positive fixint', m.fixint(5), '5'],
    ['uint8', m.u8(200), '200'],
    ['uint16', m.u16(60_000), '60000'],
    ['uint32', m.u32(4_000_000_000), '4000000000'],
    ['uint64 2^53+1', m.u64(9_007_199_254_740_993n), '9007199254740993'],
    ['uint64 max', m.u64(MAX), MAX.toString()],
    ['negative fixint -1', m.fixint(-1), MAX.toString()],
    ['int8 -2', m.i8(-2), (MAX - 1n).toString()],
    ['int16 -300', m.i16(-300), (MAX - 299n).toString()],
    ['int32 -70000', m.i32(-70_000), (MAX - 69_999n).toString()],
    ['int64 -1', m.i64(-1n), MAX.toString()],
    ['int64 positive', m.i64(4_538_077_961_858_228_154n), '4538077961858228154'],
    ['int8 positive', m.i8(7), '7'],
    ['float64 integral', m.f64(12_345), '12345'],
    ['float32 integral', m.f32(64), '64'],
    ['float64 -1', m.f64(-1), MAX.toString()],
  ])('ids: %s', (_, bytes, id) => {
    const s = span04({ trace_id: bytes, span_id: bytes, parent_id: bytes });
    expect(s.trace_id).toBe(id);
    expect(s.span_id).toBe(id);
    expect(s.parent_id).toBe(id);
  });

  it.each([
    ['float64 fraction', m.f64(1.5)],
    ['float32 fraction', m.f32(0.5)],
    ['float64 beyond 2^53', m.f64(2 ** 60)],
    ['nil', m.nil()],
    ['string', m.fixstr('abc')],
    ['boolean', m.bool(true)],
    ['binary', m.bin8([1])],
    ['array', m.fixarray([m.fixint(1)])],
  ])('ids: %s is refused', (what, bytes) => {
    expect(error04({ trace_id: bytes })).toMatch(/trace 0 span 0: trace_id is not a 64-bit integer/);
    expect(error04({ span_id: bytes })).toMatch(/span_id is not a 64-bit integer/);
    if (what !== 'nil') expect(error04({ parent_id: bytes })).toMatch(/parent_id is not a 64-bit integer/);
  });

  it('parent_id nil or missing is a root (0); trace_id and span_id missing are named', () => {
    expect(span04({ parent_id: m.nil() }).parent_id).toBe('0');
    expect(span04({}).parent_id).toBe('0');
    expect(() =>
      decodeV04(Uint8Array.from(m.fixarray([m.fixarray([m.fixmap([[m.fixstr('span_id'), m.fixint(1)]])])]))),
    ).toThrow(/trace_id is missing/);
    expect(() =>
      decodeV04(Uint8Array.from(m.fixarray([m.fixarray([m.fixmap([[m.fixstr('trace_id'), m.fixint(1)]])])]))),
    ).toThrow(/span_id is missing/);
  });

  it.each([
    ['positive fixint', m.fixint(100), 100],
    ['negative fixint', m.fixint(-5), -5],
    ['uint8', m.u8(255), 255],
    ['uint16', m.u16(65_535), 65_535],
    ['uint32', m.u32(4_294_967_295), 4_294_967_295],
    ['uint64', m.u64(1_795_833_004_372_000_768n), Number(1_795_833_004_372_000_768n)],
    ['uint64 max', m.u64(MAX), Number(MAX)],
    ['int8', m.i8(-128), -128],
    ['int16', m.i16(-32_768), -32_768],
    ['int32', m.i32(-2_147_483_648), -2_147_483_648],
    ['int64', m.i64(-9_007_199_254_740_993n), Number(-9_007_199_254_740_993n)],
    ['float32', m.f32(1.5), 1.5],
    ['float64', m.f64(0.1), 0.1],
    ['nil', m.nil(), 0],
  ])('numbers (start, duration, error, metrics): %s', (what, bytes, value) => {
    const s = span04({
      start: bytes,
      duration: bytes,
      error: bytes,
      metrics: what === 'nil' ? m.nil() : m.fixmap([[m.fixstr('x'), bytes]]),
    });
    expect(s.start).toBe(value);
    expect(s.duration).toBe(value);
    expect(s.error).toBe(value ? 1 : 0);
    expect(s.metrics).toEqual(what === 'nil' ? {} : { x: value });
  });

  it.each([
    ['string', m.fixstr('1')],
    ['boolean', m.bool(false)],
    ['binary', m.bin8([1])],
    ['map', m.fixmap([])],
  ])('numbers: %s is refused', (_, bytes) => {
    expect(error04({ duration: bytes })).toMatch(/trace 0 span 0: duration is not a number/);
    expect(error04({ metrics: m.fixmap([[m.fixstr('x'), bytes]]) })).toMatch(/metrics.x is not a number/);
  });

  it('a nil metric value is refused (as before)', () => {
    expect(error04({ metrics: m.fixmap([[m.fixstr('x'), m.nil()]]) })).toMatch(/metrics.x is not a number/);
  });

  it.each([
    ['fixstr', m.fixstr],
    ['str8', m.str8],
    ['str16', m.str16],
    ['str32', m.str32],
  ])('strings: %s, ASCII, UTF-8, empty and long', (_, str) => {
    for (const text of ['web.request', 'héllo wörld ✓', 'x'.repeat(31), 'y'.repeat(200)]) {
      if (str === m.fixstr && utf8(text).length > 31) continue;
      const s = span04({
        name: str(text),
        service: str(text),
        resource: str(text),
        type: str(text),
        meta: m.fixmap([[str(text), str(text)]]),
        metrics: m.fixmap([[str(text), m.fixint(1)]]),
      });
      expect(s).toMatchObject({ name: text, service: text, resource: text, type: text });
      expect(s.meta).toEqual({ [text]: text });
      expect(s.metrics).toEqual({ [text]: 1 });
    }
    const empty = span04({ name: str(''), service: str(''), resource: str(''), type: str('') });
    expect(empty).toMatchObject({
      name: 'unnamed_operation',
      service: 'unnamed-service',
      resource: 'unnamed_operation',
      type: '',
    });
  });

  it('strings: nil gives the Agent defaults; other types are refused, naming the field', () => {
    expect(span04({ name: m.nil(), service: m.nil(), resource: m.nil(), type: m.nil() })).toMatchObject({
      name: 'unnamed_operation',
      service: 'unnamed-service',
      resource: 'unnamed_operation',
      type: '',
    });
    expect(span04({ name: m.fixstr('op') }).resource).toBe('op');
    expect(error04({ name: m.fixint(5) })).toMatch(/trace 0 span 0: name is not a string \(found an integer/);
    expect(error04({ service: m.bin8([0x61]) })).toMatch(/service is not a string \(found binary/);
    expect(error04({ resource: m.bool(true) })).toMatch(/resource is not a string \(found a boolean/);
    expect(error04({ meta: m.fixmap([[m.fixstr('a'), m.fixint(1)]]) })).toMatch(/meta.a is not a string/);
    expect(error04({ meta: m.fixmap([[m.fixstr('a'), m.nil()]]) })).toMatch(
      /meta.a is not a string \(found nil/,
    );
    expect(error04({ meta: m.fixmap([[m.nil(), m.fixstr('a')]]) })).toMatch(
      /a map key is not a string or an integer \(found nil/,
    );
    expect(error04({ meta: m.fixarray([]) })).toMatch(/meta is not a map \(found an array/);
    expect(error04({ metrics: m.fixstr('x') })).toMatch(/metrics is not a map \(found a string/);
  });

  it('arrays and maps: fix, 16 and 32-bit headers, nil meta/metrics', () => {
    const mapOf = [m.fixmap, m.map16, m.map32] as const;
    const arrOf = [m.fixarray, m.array16, m.array32] as const;
    for (const arr of arrOf) {
      for (const map of mapOf) {
        const span = map([
          [m.fixstr('trace_id'), m.fixint(9)],
          [m.fixstr('span_id'), m.fixint(3)],
          [m.fixstr('meta'), map([[m.fixstr('env'), m.fixstr('prod')]])],
          [m.fixstr('metrics'), map([[m.fixstr('n'), m.f64(2.5)]])],
        ]);
        const [t] = decodeV04(Uint8Array.from(arr([arr([span, span])])));
        expect(t?.length).toBe(2);
        expect(t?.[1]).toMatchObject({
          trace_id: '9',
          span_id: '3',
          meta: { env: 'prod' },
          metrics: { n: 2.5 },
        });
      }
    }
    expect(span04({ meta: m.nil(), metrics: m.nil() })).toMatchObject({ meta: {}, metrics: {} });
    expect(decodeV04(Uint8Array.from(m.array32([])))).toEqual([]);
  });

  it('unknown fields of every type are skipped', () => {
    const nested = m.fixmap([
      [m.fixstr('k'), m.array16([m.bin16([1, 2]), m.map32([[m.fixint(7), m.bool(true)]])])],
    ]);
    const s = span04({
      meta_struct: m.fixmap([[m.fixstr('x'), m.bin32([1, 2, 3])]]),
      a: m.u64(1n),
      b: m.f32(1),
      c: m.str32('z'),
      d: nested,
      e: [0xd4, 1, 2], // fixext 1
      f: [0xd8, 1, ...new Array(16).fill(0)], // fixext 16
      g: [0xc7, 2, 5, 1, 2], // ext 8
      h: [0xc8, 0, 1, 5, 1], // ext 16
      i: [0xc9, 0, 0, 0, 1, 5, 1], // ext 32
      j: m.i64(-1n),
      name: m.fixstr('after'),
    });
    expect(s.name).toBe('after');
  });

  it('refuses 0xc1, trailing bytes and bodies that are not traces; deep nesting is fine', () => {
    expect(() => decodeV04(Uint8Array.from([0xc1]))).toThrow(TraceDecodeError);
    expect(error04({ x: [0xc1] })).toMatch(/0xc1/);
    expect(span04({ x: [...new Array(200).fill(0x91), 0x01], name: m.fixstr('deep') }).name).toBe('deep');
    const ok = body04({});
    expect(() => decodeV04(Uint8Array.from([...ok, 0x00]))).toThrow(
      /not valid msgpack: Extra 1 of \d+ byte\(s\)/,
    );
    const two = Uint8Array.from(m.fixarray([m.fixarray([]), m.fixarray([])]));
    expect(() => decodeV04(two.subarray(0, 2))).toThrow(/^body is not valid msgpack: ./);
    expect(() => decodeV04(Uint8Array.from([0xdd, 0, 0, 0, 1]))).toThrow(/^body is not valid msgpack: ./);
    expect(() => decodeV04(Uint8Array.from(m.fixmap([])))).toThrow(/body is not an array of traces/);
    expect(() => decodeV04(Uint8Array.from(m.fixarray([m.fixstr('x')])))).toThrow(
      /trace 0 is not an array of spans/,
    );
    expect(() => decodeV04(Uint8Array.from(m.fixarray([m.fixarray([m.fixstr('x')])])))).toThrow(
      /trace 0 span 0 is not a map/,
    );
  });

  it('v0.5: string table, indices of every integer type, string-keyed maps, 11 or 12 fields', () => {
    const table = ['svc', 'op', 'res', 'env', 'prod', 'web', 'm'];
    const span = (idx: (i: number) => Bytes, extra: Bytes[] = []) =>
      m.array16([
        idx(0),
        idx(1),
        idx(2),
        m.u64(MAX),
        m.u32(7),
        m.nil(),
        m.u64(1_795_833_004_372_000_768n),
        m.u16(2500),
        m.i32(1),
        m.fixmap([[idx(3), idx(4)]]),
        m.map16([[idx(6), m.f64(0.25)]]),
        ...extra,
      ]);
    for (const idx of [m.fixint, m.u8, m.u16, m.u32, (i: number) => m.u64(BigInt(i)), m.i8, m.i16, m.i32]) {
      const body = Uint8Array.from(
        m.fixarray([m.array32(table.map(m.str8)), m.fixarray([m.fixarray([span(idx, [idx(5)])])])]),
      );
      const [[s]] = decodeV05(body) as [[Span]];
      expect(s).toEqual({
        trace_id: MAX.toString(),
        span_id: '7',
        parent_id: '0',
        name: 'op',
        service: 'svc',
        resource: 'res',
        type: 'web',
        error: 1,
        start: Number(1_795_833_004_372_000_768n),
        duration: 2500,
        meta: { env: 'prod' },
        metrics: { m: 0.25 },
      });
    }
    const noType = Uint8Array.from(
      m.fixarray([m.fixarray(table.map(m.fixstr)), m.fixarray([m.fixarray([span(m.fixint)])])]),
    );
    expect(decodeV05(noType)[0]?.[0]?.type).toBe('');
    // Map keys as the index's decimal string (encoders writing JS objects).
    const strKeys = m.fixarray([
      m.fixint(0),
      m.fixint(1),
      m.fixint(2),
      m.fixint(1),
      m.fixint(2),
      m.nil(),
      m.fixint(0),
      m.fixint(0),
      m.fixint(0),
      m.fixmap([[m.fixstr('3'), m.fixint(4)]]),
      m.nil(),
      m.fixint(5),
    ]);
    const b2 = Uint8Array.from(
      m.fixarray([m.fixarray(table.map(m.fixstr)), m.fixarray([m.fixarray([strKeys])])]),
    );
    expect(decodeV05(b2)[0]?.[0]?.meta).toEqual({ env: 'prod' });
    const bad = (spanBytes: Bytes) =>
      decodeV05(
        Uint8Array.from(m.fixarray([m.fixarray(table.map(m.fixstr)), m.fixarray([m.fixarray([spanBytes])])])),
      );
    expect(() => bad(span((i) => m.fixint(i === 2 ? 99 : i)))).toThrow(
      /resource is not an index of the 7-string table/,
    );
    expect(() => bad(m.fixarray([m.fixint(0)]))).toThrow(/is not a 12-element array/);
    expect(() => bad(span((i) => (i === 0 ? m.f64(0.5) : m.fixint(i))))).toThrow(/service is not an index/);
    expect(() => decodeV05(Uint8Array.from(m.fixarray([m.fixarray([m.fixint(1)]), m.fixarray([])])))).toThrow(
      /string table entry 0 is not a string/,
    );
    expect(() => decodeV05(Uint8Array.from(m.fixarray([m.fixarray([])])))).toThrow(
      /not \[string table, traces\]/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { Span } from '../src/agent/traces/span.ts';
import { TraceStore } from '../src/agent/traces/store.ts';

function span(over: Partial<Span>): Span {
  return {
    trace_id: '18446744073709551615',
    span_id: '1',
    parent_id: '0',
    name: 'web.request',
    service: 'api',
    resource: 'GET /',
    type: 'web',
    error: 0,
    start: 1_764_000_000_123_456_800,
    duration: 1_500_000,
    meta: { env: 'dev', 'http.url': 'http://x/1' },
    metrics: { _sampling_priority_v1: 1 },
    ...over,
  };
}

describe('TraceStore (compact spans)', () => {
  it('gives back every span exactly as added: ids, strings, numbers, meta and metrics in order', () => {
    const store = new TraceStore();
    const a = span({ span_id: '9007199254740993', meta: { b: '2', a: '1', '10': 'x' } });
    const b = span({
      span_id: '18446744073709551615',
      parent_id: '9007199254740993',
      name: 'pg.query',
      resource: 'SELECT 1',
      type: 'sql',
      error: 1,
      duration: 0.5,
      meta: {},
      metrics: { 'db.rows': -0, z: 1e300, a: Number.NaN },
    });
    const c = span({ span_id: '4294967296', parent_id: '10000000000', meta: { b: '3', a: '4', '10': 'y' } });
    store.add([a, b], 5);
    store.add([c], 9);
    const t = store.get('0xffffffffffffffff');
    expect(t?.received).toBe(5);
    expect(t?.spans).toEqual([a, b, c]);
    expect(Object.keys(t?.spans[0]?.meta ?? {})).toEqual(Object.keys(a.meta));
    expect(Object.keys(t?.spans[1]?.metrics ?? {})).toEqual(['db.rows', 'z', 'a']);
    expect(Object.is(t?.spans[1]?.metrics['db.rows'], -0)).toBe(true);
    expect(store.spanCount).toBe(3);
  });

  it('finds by span fields and drops the oldest traces past the span limit', () => {
    const store = new TraceStore(4);
    for (let i = 1; i <= 3; i++) {
      store.add(
        [
          span({ trace_id: String(i), span_id: `${i}1` }),
          span({ trace_id: String(i), span_id: `${i}2`, error: i === 3 ? 1 : 0, service: `s${i}` }),
        ],
        i,
      );
    }
    expect(store.traceCount).toBe(2);
    expect(store.spanCount).toBe(4);
    expect(store.get('1')).toBeUndefined();
    expect(store.find({ error: true }).map((t) => t.trace_id)).toEqual(['3']);
    expect(store.find({ service: 's2' }).map((t) => t.trace_id)).toEqual(['2']);
    expect(store.find({ service: 'api', resource: 'GET /' }).map((t) => t.trace_id)).toEqual(['3', '2']);
    expect(store.find({ since: 3 }).map((t) => t.trace_id)).toEqual(['3']);
    expect(store.find({ name: 'nope' })).toEqual([]);
  });

  it('over many wraps of its rings keeps exactly the newest traces, spans intact, chunks linked', () => {
    let seed = 3;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const store = new TraceStore(60);
    const all = new Map<string, Span[]>();
    const order: string[] = [];
    for (let i = 1; i <= 3000; i++) {
      // Mostly new traces; sometimes another chunk of a recent one.
      const again = i > 10 && rand(5) === 0 ? order[order.length - 1 - rand(3)] : undefined;
      const id = again ?? String(BigInt(i) * 7_919_000_000_007n);
      const spans: Span[] = [];
      for (let k = rand(6) + 1; k > 0; k--) {
        const meta: Record<string, string> = {};
        for (let m = rand(40); m > 0; m--) meta[`k${rand(50)}`] = `v${rand(1000)}`;
        const metrics: Record<string, number> = {};
        for (let m = rand(20); m > 0; m--) metrics[`n${rand(30)}`] = rand(1e6) / 7;
        spans.push(
          span({
            trace_id: id,
            span_id: String(i * 10 + k),
            parent_id: String(i),
            meta,
            metrics,
            error: rand(2),
          }),
        );
      }
      if (again === undefined || store.get(id) === undefined) {
        if (again !== undefined) order.splice(order.indexOf(id), 1);
        all.set(id, [...spans]);
        order.push(id);
      } else (all.get(id) as Span[]).push(...spans);
      store.add(spans, i);
      expect(store.spanCount).toBeLessThanOrEqual(60);
      // The newest trace is kept whole; the kept ones are the newest, each exactly as added.
      expect(store.get(id)?.spans).toEqual(all.get(id));
      const kept = store.find({ limit: 1000 }).map((t) => t.trace_id);
      expect(kept.length).toBe(store.traceCount);
      expect(kept).toEqual(order.slice(order.length - kept.length).reverse());
      for (const t of kept) expect(store.get(t)?.spans).toEqual(all.get(t));
      expect(kept.reduce((n, t) => n + (all.get(t) as Span[]).length, 0)).toBe(store.spanCount);
    }
  });
});

describe('TraceStore rings', () => {
  /** n spans, one trace each, with `metas` meta values and `metrics` metric values. */
  const spans = (from: number, n: number, metas: number, metrics: number): Span[] =>
    Array.from({ length: n }, (_, i) => {
      const meta: Record<string, string> = {};
      for (let m = 0; m < metas; m++) meta[`k${m}`] = `v${from + i}.${m}`;
      const nums: Record<string, number> = {};
      for (let m = 0; m < metrics; m++) nums[`n${m}`] = (from + i) * 10 + m;
      return span({ trace_id: String(from + i), span_id: String(from + i), meta, metrics: nums });
    });

  it('wraps once spans are evicted instead of growing to their limit', () => {
    const store = new TraceStore(20_000);
    // 24 strings and 5 numbers a span: the kept 20,000 need 480,000 and 100,000 slots.
    for (let from = 1; from <= 60_000; from += 1_000) store.add(spans(from, 1_000, 20, 3), from);
    expect(store.spanCount).toBe(20_000);
    const { numbers, strings } = store.ringSizes;
    // Doubling from 32,768 and 10,240 slots: the first sizes that held 20,000 spans, not the
    // limits (640,000 and 200,000) the rings grew to when they grew rather than wrapped.
    expect(strings).toBe(524_288);
    expect(numbers).toBe(163_840);
    for (const id of ['40001', '50000', '60000'])
      expect(store.get(id)?.spans).toEqual(spans(Number(id), 1, 20, 3));
    expect(store.get('40000')).toBeUndefined();
  });

  it('grows a wrapped ring for larger spans without dropping spans it has room for', () => {
    const store = new TraceStore(2_000);
    // Small spans first: the rings (32,768 strings, 10,240 numbers) wrap many times.
    for (let from = 1; from <= 5_000; from += 500) store.add(spans(from, 500, 0, 0), from);
    expect(store.ringSizes).toEqual({ spans: 2_000, numbers: 10_240, strings: 32_768 });
    // Then spans of 24 strings and 8 numbers: 2,000 need 48,000 and 16,000, under the limits
    // (64,000 and 20,000), so the wrapped rings grow and every span stays.
    for (let from = 5_001; from <= 9_000; from += 500) {
      store.add(spans(from, 500, 20, 6), from);
      expect(store.spanCount).toBe(2_000);
    }
    const { numbers, strings } = store.ringSizes;
    expect(strings).toBeGreaterThanOrEqual(48_000);
    expect(strings).toBeLessThanOrEqual(64_000);
    expect(numbers).toBeGreaterThanOrEqual(16_000);
    expect(numbers).toBeLessThanOrEqual(20_000);
    for (let id = 7_001; id <= 9_000; id++) expect(store.get(String(id))?.spans).toEqual(spans(id, 1, 20, 6));
    expect(store.find({ limit: 5_000 }).map((t) => t.trace_id)).toEqual(
      Array.from({ length: 2_000 }, (_, i) => String(9_000 - i)),
    );
  });
});

describe('TraceStore string ids', () => {
  const unique = (from: number, n: number): Span[] =>
    Array.from({ length: n }, (_, i) =>
      span({
        trace_id: String(from + i),
        span_id: String(from + i),
        resource: `GET /r/${from + i}`,
        meta: { env: 'dev', 'http.url': `http://x/${from + i}`, empty: '' },
      }),
    );

  it('forgets the strings of dropped spans (the table holds what the kept spans use)', () => {
    const store = new TraceStore(1_000);
    for (let from = 1; from <= 20_000; from += 500) store.add(unique(from, 500), from);
    expect(store.spanCount).toBe(1_000);
    // Per kept span its resource and url; shared: name, service, type, 'dev' ('' is no entry).
    expect(store.stringTable.distinct).toBe(2 * 1_000 + 4);
    expect(store.find({ resource: 'GET /r/19001' }).map((t) => t.trace_id)).toEqual(['19001']);
    expect(store.find({ resource: 'GET /r/19000' })).toEqual([]);
    expect(store.get('20000')?.spans).toEqual(unique(20_000, 1));
  });

  it('widens the ring to 4-byte ids past 65,535 distinct strings, keeping every span', () => {
    const store = new TraceStore(40_000);
    for (let from = 1; from <= 40_000; from += 1_000) store.add(unique(from, 1_000), from);
    expect(store.stringTable.slotBytes).toBe(4);
    expect(store.stringTable.distinct).toBe(2 * 40_000 + 4);
    for (const id of [1, 32_768, 40_000]) expect(store.get(String(id))?.spans).toEqual(unique(id, 1));
    expect(store.find({ service: 'api', name: 'web.request', limit: 3 }).map((t) => t.trace_id)).toEqual([
      '40000',
      '39999',
      '39998',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Span } from './span.ts';
import { TraceStore } from './store.ts';

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

describe('TraceStore', () => {
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

  it('over many evictions keeps exactly the newest traces, spans intact, chunks joined', () => {
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

  it('counts every top-level span received per service, operation and resource, evicted or not', () => {
    const store = new TraceStore(2);
    store.add(
      [
        span({ span_id: '1' }),
        span({
          span_id: '2',
          parent_id: '1',
          name: 'pg.query',
          service: 'db',
          resource: 'SELECT 1',
          error: 1,
          duration: 500,
        }),
      ],
      1,
    );
    // The child is in the root's service: not top-level.
    store.add(
      [span({ trace_id: '7', span_id: '3' }), span({ trace_id: '7', span_id: '4', parent_id: '3' })],
      2,
    );
    expect(store.traceCount).toBe(1);
    expect(store.services()).toEqual(['api', 'db']);
    expect(store.resources('api')).toEqual([
      {
        service: 'api',
        name: 'web.request',
        resource: 'GET /',
        hits: 2,
        errors: 0,
        totalDurationNs: 3_000_000,
        lastSeen: 2,
      },
    ]);
    expect(store.resources('db')).toMatchObject([
      { name: 'pg.query', hits: 1, errors: 1, totalDurationNs: 500 },
    ]);
    expect(store.resources()).toHaveLength(2);
  });

  it('keeps the newest spans of a trace larger than the limit, and finds it by 128-bit hex id', () => {
    const store = new TraceStore(3);
    store.add([span({ trace_id: '5', span_id: '1' })], 1);
    store.add(
      [1, 2, 3, 4].map((i) => span({ trace_id: '255', span_id: String(10 + i) })),
      2,
    );
    expect(store.get('5')).toBeUndefined();
    expect(store.get('0000000000000001' + '00000000000000ff')?.spans.map((s) => s.span_id)).toEqual([
      '12',
      '13',
      '14',
    ]);
    expect(store.spanCount).toBe(3);
    expect(store.get('not an id')).toBeUndefined();
  });
});

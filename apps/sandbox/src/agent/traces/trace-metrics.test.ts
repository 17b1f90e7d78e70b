import { describe, expect, it } from 'vitest';
import type { Span } from './span.ts';
import { topLevelSpans } from './span.ts';
import { TraceMetrics } from './trace-metrics.ts';

const T0 = 1_764_000_000_000; // a bucket boundary (UNIX ms, a multiple of 10 s)

interface S {
  id: string;
  parent: string;
  service: string;
  name?: string;
  metrics?: Record<string, number>;
  meta?: Record<string, string>;
  error?: number;
  duration?: number;
}

const spans = (list: S[]): Span[] =>
  list.map((s) => ({
    trace_id: '1',
    span_id: s.id,
    parent_id: s.parent,
    name: s.name ?? 'op',
    service: s.service,
    resource: 'r',
    type: 'web',
    error: s.error ?? 0,
    start: 0,
    duration: s.duration ?? 2_000_000,
    meta: s.meta ?? {},
    metrics: s.metrics ?? {},
  }));

const ids = (chunk: Span[]) => topLevelSpans(chunk).map((s) => s.span_id);

describe('top-level spans', () => {
  it('roots, parents elsewhere or in another service, _dd.top_level, _dd.measured', () => {
    const chunk = spans([
      { id: '10', parent: '0', service: 'a' }, // root
      { id: '11', parent: '10', service: 'a' }, // same service: not top
      { id: '12', parent: '10', service: 'b' }, // another service
      { id: '13', parent: '99', service: 'a' }, // parent not in the chunk
      { id: '14', parent: '11', service: 'a', metrics: { '_dd.top_level': 1 } },
      { id: '15', parent: '11', service: 'a', metrics: { x: 2, '_dd.measured': 1 } },
      { id: '16', parent: '11', service: 'a', metrics: { '_dd.measured': 0 } },
    ]);
    expect(ids(chunk)).toEqual(['10', '12', '13', '14', '15']);
  });

  it('finds parents by their exact 64-bit id, even ids a double cannot tell apart', () => {
    const big = 2n ** 63n;
    const list: S[] = [{ id: String(big + 1n), parent: '0', service: 'a' }];
    for (let i = 0; i < 40; i++) list.push({ id: String(1000 + i), parent: String(big + 1n), service: 'a' });
    list.push({ id: '5', parent: String(big + 2n), service: 'a' });
    expect(Number(big + 1n)).toBe(Number(big + 2n));
    expect(ids(spans(list))).toEqual([String(big + 1n), '5']);
  });
});

describe('TraceMetrics', () => {
  const web = (error: number, meta: Record<string, string>) =>
    spans([
      { id: '1', parent: '0', service: 'svc', name: 'web.request', error, meta },
      { id: '2', parent: '1', service: 'svc', name: 'child' },
    ]);

  it('counts hits, errors and durations by name, env, service, resource, status, version and host', () => {
    const tm = new TraceMetrics({ env: 'default-env', hostname: 'h1', hostTags: ['team:x', 'env:host-env'] });
    const tagged = { env: 'prod', 'http.status_code': '200', version: '1.2' };
    for (let i = 0; i < 3; i++) tm.add(web(i === 0 ? 1 : 0, tagged), T0 + i * 1000);
    tm.add(web(0, {}), T0 + 5000);
    const { points, sketches } = tm.flush(T0 + 10_000, false);
    const tagsProd = [
      'env:prod',
      'host:h1',
      'http.status_code:200',
      'resource_name:r',
      'service:svc',
      'team:x',
      'version:1.2',
    ];
    const tagsPlain = ['env:default-env', 'host:h1', 'resource_name:r', 'service:svc', 'team:x'];
    const at = { interval: 10, time: T0 / 1000, add: true };
    expect(points).toEqual([
      { metric: 'trace.web.request.hits', tags: tagsProd, type: 'count', value: 3, ...at },
      { metric: 'trace.web.request.errors', tags: tagsProd, type: 'count', value: 1, ...at },
      {
        metric: 'trace.web.request.duration',
        tags: tagsProd,
        type: 'gauge',
        value: expect.closeTo(0.006),
        ...at,
      },
      { metric: 'trace.web.request.hits', tags: tagsPlain, type: 'count', value: 1, ...at },
      { metric: 'trace.web.request.errors', tags: tagsPlain, type: 'count', value: 0, ...at },
      {
        metric: 'trace.web.request.duration',
        tags: tagsPlain,
        type: 'gauge',
        value: expect.closeTo(0.002),
        ...at,
      },
    ]);
    expect(sketches.map((s) => [s.metric, s.tags, s.time, s.sketch.count])).toEqual([
      ['trace.web.request', tagsProd, T0 / 1000, 3],
      ['trace.web.request', tagsPlain, T0 / 1000, 1],
    ]);
    expect(sketches[0]?.sketch.getValueAtQuantile(0.5)).toBeCloseTo(0.002, 4);
    // Flushed once: nothing left.
    expect(tm.flush(T0 + 60_000, true)).toEqual({ points: [], sketches: [] });
  });

  it('closes only the buckets the clock has left, unless asked for all', () => {
    const tm = new TraceMetrics({ env: 'e' });
    tm.add(web(0, {}), T0 + 9_999);
    tm.add(web(0, {}), T0 + 10_000);
    tm.add(web(0, {}), T0 + 10_001);
    const hits = (f: ReturnType<TraceMetrics['flush']>) =>
      f.points.filter((p) => p.metric.endsWith('.hits')).map((p) => [p.time, p.value, p.tags]);
    expect(hits(tm.flush(T0 + 9_999, false))).toEqual([]);
    expect(hits(tm.flush(T0 + 10_000, false))).toEqual([
      [T0 / 1000, 1, ['env:e', 'resource_name:r', 'service:svc']],
    ]);
    expect(hits(tm.flush(T0 + 15_000, false))).toEqual([]);
    expect(hits(tm.flush(T0 + 15_000, true))).toEqual([
      [T0 / 1000 + 10, 2, ['env:e', 'resource_name:r', 'service:svc']],
    ]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeV04Columns } from '../src/agent/traces/decode.ts';
import { TraceMetrics } from '../src/agent/traces/trace-metrics.ts';
import { HostRegistry } from '../src/backend/hosts.ts';
import { Metrics } from '../src/backend/metrics/metrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'trace-metrics-'));
const now = 1_764_000_000_000;
const metrics = new Metrics({ dataDir: dir, retentionMs: 86_400_000, hosts: new HostRegistry('h', []) });
metrics.open({ now: () => now }, pino({ level: 'silent' }));
const traceMetrics = new TraceMetrics(metrics, { now: () => now }, 'default-env');
afterAll(() => {
  metrics.close();
  rmSync(dir, { recursive: true, force: true });
});

interface S {
  id: bigint;
  parent: bigint;
  service: string;
  name?: string;
  metrics?: Record<string, number>;
  meta?: Record<string, string>;
  error?: number;
}

/** The indices TraceMetrics counts as top-level in one chunk of these spans. */
function tops(spans: S[]): number[] {
  const body = encode(
    [
      spans.map((s) => ({
        trace_id: 1n,
        span_id: s.id,
        parent_id: s.parent,
        name: s.name ?? 'op',
        service: s.service,
        resource: 'r',
        error: s.error ?? 0,
        start: 0,
        duration: 2_000_000,
        meta: s.meta ?? {},
        metrics: s.metrics ?? {},
      })),
    ],
    { useBigInt64: true },
  );
  const b = decodeV04Columns(body);
  traceMetrics.advance();
  const out: number[] = [];
  const n = traceMetrics.addChunk(b, 0, b.spans, out);
  return out.slice(0, n);
}

describe('trace metrics from the decoded columns', () => {
  it('top-level: roots, parents elsewhere or in another service, _dd.top_level, _dd.measured', () => {
    expect(
      tops([
        { id: 10n, parent: 0n, service: 'a' }, // root
        { id: 11n, parent: 10n, service: 'a' }, // same service: not top
        { id: 12n, parent: 10n, service: 'b' }, // another service
        { id: 13n, parent: 99n, service: 'a' }, // parent not in the chunk
        { id: 14n, parent: 11n, service: 'a', metrics: { '_dd.top_level': 1 } },
        { id: 15n, parent: 11n, service: 'a', metrics: { x: 2, '_dd.measured': 1 } },
        { id: 16n, parent: 11n, service: 'a', metrics: { '_dd.measured': 0 } },
      ]),
    ).toEqual([0, 2, 3, 4, 5]);
  });

  it('long chunks find parents by id exactly, even ids a double cannot tell apart', () => {
    const big = 2n ** 63n;
    const spans: S[] = [{ id: big + 1n, parent: 0n, service: 'a' }];
    // 40 spans (past the linear search): children of big+1 in the same service, and one whose
    // parent big+2 is absent though it rounds to the same double as big+1.
    for (let i = 0; i < 40; i++) spans.push({ id: BigInt(1000 + i), parent: big + 1n, service: 'a' });
    spans.push({ id: 5n, parent: big + 2n, service: 'a' });
    expect(Number(big + 1n)).toBe(Number(big + 2n));
    expect(tops(spans)).toEqual([0, 41]);
  });

  it('counts hits, errors and durations by name, env, service, resource, status and version', () => {
    for (let i = 0; i < 3; i++)
      tops([
        {
          id: 1n,
          parent: 0n,
          service: 'svc',
          name: 'web.request',
          error: i === 0 ? 1 : 0,
          meta: { env: 'prod', 'http.status_code': '200', version: '1.2' },
        },
        { id: 2n, parent: 0n, service: 'svc', name: 'web.request' },
      ]);
    metrics.flush();
    const t = Math.floor(now / 1000);
    const hits = [...metrics.series('trace.web.request.hits', t - 60, t + 60)];
    const tagged = hits.find((s) => s.tags.includes('http.status_code:200'));
    expect(tagged?.tags).toEqual(
      expect.arrayContaining(['env:prod', 'service:svc', 'resource_name:r', 'version:1.2']),
    );
    const plain = hits.find((s) => s.tags.includes('env:default-env'));
    expect(plain?.tags.some((x) => x.startsWith('http.status_code:'))).toBe(false);
    const sum = (xs: ArrayLike<number> | undefined) => Array.from(xs ?? []).reduce((a, b) => a + b, 0);
    expect(sum(tagged?.values)).toBe(3);
    expect(sum(plain?.values)).toBe(3);
    const errors = [...metrics.series('trace.web.request.errors', t - 60, t + 60)];
    expect(sum(errors.find((s) => s.tags.includes('env:prod'))?.values)).toBe(1);
    const duration = [...metrics.series('trace.web.request.duration', t - 60, t + 60)];
    expect(sum(duration.find((s) => s.tags.includes('env:prod'))?.values)).toBeCloseTo(0.006);
  });
});

import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../src/agent/traces/server.ts';
import { testSandbox, until } from './helpers.ts';

const BIG_ID = 18_446_744_073_709_551_615n; // 2^64 - 1

function v04Span(overrides: Record<string, unknown> = {}) {
  return {
    trace_id: BIG_ID,
    span_id: 9_007_199_254_740_993n, // 2^53 + 1
    parent_id: 0n,
    name: 'http.request',
    resource: 'GET /',
    service: 'proto',
    error: 0,
    start: BigInt(Date.now()) * 1_000_000n,
    duration: 1_500_000n,
    meta: { env: 'proto-env', 'http.status_code': '200' },
    metrics: { _sampling_priority_v1: 1 },
    type: 'web',
    ...overrides,
  };
}

const encodeBig = (v: unknown) => encode(v, { useBigInt64: true });

describe('trace intake protocol', () => {
  let t: Awaited<ReturnType<typeof testSandbox>>;
  let url: string;
  beforeAll(async () => {
    t = await testSandbox();
    url = t.sandbox.traceUrl;
  });
  afterAll(() => t.close());

  const put = (path: string, body: Uint8Array | string, method = 'PUT') =>
    fetch(`${url}${path}`, { method, body, headers: { 'Content-Type': 'application/msgpack' } });

  it('answers v0.4 with rate_by_service and keeps uint64 ids exact', async () => {
    const res = await put('/v0.4/traces', encodeBig([[v04Span()]]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rate_by_service: Record<string, number> };
    expect(body.rate_by_service['service:,env:']).toBe(1);
    expect(body.rate_by_service['service:proto,env:proto-env']).toBe(1);
    const trace = t.ctx.traces.get(BIG_ID.toString());
    expect(trace?.spans[0]?.span_id).toBe('9007199254740993');
    expect(t.ctx.traces.get('ffffffffffffffff')?.trace_id).toBe(BIG_ID.toString());
  });

  it('decodes v0.5 string-table payloads', async () => {
    const strings = ['proto5', 'op.name', 'res', 'env', 'v5', 'web'];
    const span = [
      0,
      1,
      2,
      77n,
      78n,
      0n,
      BigInt(Date.now()) * 1_000_000n,
      2_000_000n,
      1,
      { 3: 4 },
      { 3: 0.5 },
      5,
    ];
    const res = await put('/v0.5/traces', encodeBig([strings, [[span]]]), 'POST');
    expect(res.status).toBe(200);
    const got = t.ctx.traces.get('77')?.spans[0];
    expect(got).toMatchObject({
      service: 'proto5',
      name: 'op.name',
      resource: 'res',
      span_id: '78',
      error: 1,
      type: 'web',
    });
    expect(got?.meta.env).toBe('v5');
  });

  it('answers 400 to each of 1,000 malformed bodies, naming the problem', async () => {
    const valid = encodeBig([[v04Span(), v04Span({ span_id: 5n, parent_id: 9_007_199_254_740_993n })]]);
    const shapes: unknown[] = [
      { not: 'an array' },
      [1, 2, 3],
      [[{ span_id: 1, name: 'x' }]],
      [[{ trace_id: 1, name: 'x' }]],
      [[{ trace_id: 'abc', span_id: 1 }]],
      [[{ trace_id: 1, span_id: 2, meta: { a: 1 } }]],
      [[{ trace_id: 1, span_id: 2, metrics: { a: 'x' } }]],
      [[{ trace_id: 1, span_id: 2, name: 5 }]],
      [['span as string']],
      'just a string',
    ];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const before = t.ctx.traces.spanCount;
    const bodies: Array<{ i: number; kind: number; body: Uint8Array }> = [];
    for (let i = 0; i < 1000; i++) {
      let body: Uint8Array;
      const kind = i % 3;
      if (kind === 0)
        body = valid.subarray(0, 1 + Math.floor(rand() * (valid.length - 2))); // truncated
      else if (kind === 1) {
        body = new Uint8Array(1 + Math.floor(rand() * 300));
        for (let j = 0; j < body.length; j++) body[j] = Math.floor(rand() * 256);
        body[0] = 0xc1; // the one byte msgpack never uses: undecodable whatever follows
      } else body = encodeBig(shapes[i % shapes.length]);
      bodies.push({ i, kind, body });
    }
    // 20 requests at a time over keep-alive connections.
    for (let k = 0; k < bodies.length; k += 20) {
      await Promise.all(
        bodies.slice(k, k + 20).map(async ({ i, kind, body }) => {
          const res = await put(i % 2 ? '/v0.4/traces' : '/v0.5/traces', body);
          const text = await res.text();
          if (res.status !== 400) throw new Error(`body ${i} (kind ${kind}) got ${res.status}: ${text}`);
          expect((JSON.parse(text) as { errors: string[] }).errors[0]).toMatch(/\w+/);
        }),
      );
    }
    expect(t.ctx.traces.spanCount).toBe(before);
    expect(t.ctx.intake.stats.errors.get('undecodable trace payload')).toBe(1000);
  }, 60_000);

  it('keeps every span of large bodies sent concurrently', async () => {
    // ~1-2 MB bodies, 6 at a time over 3 rounds.
    const bodies = Array.from({ length: 18 }, (_, b) => {
      const traces = Array.from({ length: 1500 + b * 50 }, (_, i) => [
        v04Span({
          trace_id: BigInt(1_000_000 * (b + 1) + i),
          span_id: BigInt(i + 1),
          resource: `GET /big/${b}`,
          meta: { env: 'big', 'http.url': `http://x/${b}/${i}` },
        }),
      ]);
      return { b, n: traces.length, body: encodeBig(traces) };
    });
    expect(bodies[0]?.body.length).toBeGreaterThan(64 * 1024);
    for (let k = 0; k < bodies.length; k += 6) {
      const statuses = await Promise.all(
        bodies.slice(k, k + 6).map(async ({ body }) => (await put('/v0.4/traces', body)).status),
      );
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    }
    for (const { b, n } of bodies) {
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        const span = t.ctx.traces.get(String(1_000_000 * (b + 1) + i))?.spans[0];
        expect(span?.resource).toBe(`GET /big/${b}`);
        expect(span?.meta['http.url']).toBe(`http://x/${b}/${i}`);
      }
    }
  });

  it('answers 413 over the size limit', async () => {
    const res = await fetch(`${url}/v0.4/traces`, {
      method: 'PUT',
      body: new Uint8Array(MAX_REQUEST_BYTES + 1),
      headers: { 'Content-Type': 'application/msgpack' },
    });
    expect(res.status).toBe(413);
  });

  it('serves /info, refuses remote config, accepts telemetry and stats', async () => {
    const info = (await (await fetch(`${url}/info`)).json()) as {
      endpoints: string[];
      config: { receiver_port: number };
    };
    expect(info.endpoints).toContain('/v0.4/traces');
    expect(String(info.config.receiver_port)).toBe(url.split(':').pop());
    expect((await fetch(`${url}/v0.7/config`, { method: 'POST', body: '{}' })).status).toBe(404);
    const tel = await fetch(`${url}/telemetry/proxy/api/v2/apmtelemetry`, {
      method: 'POST',
      body: JSON.stringify({ api_version: 'v2', request_type: 'app-heartbeat' }),
      headers: { 'Content-Type': 'application/json', 'dd-telemetry-request-type': 'app-heartbeat' },
    });
    expect(tel.status).toBe(202);
    expect((await fetch(`${url}/v0.6/stats`, { method: 'PUT', body: encode({ Stats: [] }) })).status).toBe(
      202,
    );
  });

  it('feeds /dogstatsd/v2/proxy bodies to the DogStatsD parser', async () => {
    const before = t.ctx.intake.stats.metricLines;
    const res = await fetch(`${url}/dogstatsd/v2/proxy`, {
      method: 'POST',
      body: 'runtime.node.mem.heap_used:1234|g|#service:proto\nruntime.node.event_loop.delay.max:2|g\n',
    });
    expect(res.status).toBe(200);
    await until(() => t.ctx.intake.stats.metricLines >= before + 2);
    t.ctx.agent.flush();
    const now = Math.floor(Date.now() / 1000);
    const [s] = [...t.ctx.metrics.series('runtime.node.mem.heap_used', now - 60, now + 60)];
    expect(Array.from(s?.values ?? [])).toEqual([1234]);
  });
});

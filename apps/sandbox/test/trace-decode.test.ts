import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureDdTracePayloads } from '../bench/capture-traces.ts';
import { decodeV04, decodeV05 } from '../src/agent/traces/decode.ts';
import { type Span, TraceDecodeError } from '../src/agent/traces/span.ts';

/** v0.4 and v0.5 bodies of these traces (v0.5 maps keyed by the index's decimal, as JS encoders write them). */
function encodeBoth(traces: Span[][]): { v04: Uint8Array; v05: Uint8Array } {
  const big = (id: string) => BigInt(id);
  const v04 = encode(
    traces.map((t) =>
      t.map((s) => ({
        ...s,
        trace_id: big(s.trace_id),
        span_id: big(s.span_id),
        parent_id: big(s.parent_id),
      })),
    ),
    { useBigInt64: true },
  );
  const table: string[] = [];
  const index = new Map<string, number>();
  const at = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = table.length;
      table.push(s);
      index.set(s, i);
    }
    return i;
  };
  const spans = traces.map((t) =>
    t.map((s) => [
      at(s.service),
      at(s.name),
      at(s.resource),
      big(s.trace_id),
      big(s.span_id),
      big(s.parent_id),
      s.start,
      s.duration,
      s.error,
      Object.fromEntries(Object.entries(s.meta).map(([k, v]) => [at(k), at(v)])),
      Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [at(k), v])),
      at(s.type),
    ]),
  );
  return { v04, v05: encode([table, spans], { useBigInt64: true }) };
}

describe('trace decoder: real dd-trace payloads', () => {
  let bodies: Buffer[] = [];
  let first: Span[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'trace-decode-'));
  beforeAll(async () => {
    bodies = (await captureDdTracePayloads(dir, 1)).map((p) => p.body);
    first = decodeV04(bodies[0] as Buffer).slice(0, 3);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes what trace-burst.mjs traced, ids exact, and decode(encode(x)) gives x back', () => {
    expect(bodies.length).toBeGreaterThan(0);
    let spans = 0;
    let above53 = 0;
    for (const body of bodies) {
      const traces = decodeV04(body);
      for (const trace of traces) {
        spans += trace.length;
        const root = trace.find((s) => s.parent_id === '0') as Span;
        expect(root).toMatchObject({ name: 'fastify.request', service: 'bench-api', type: 'web' });
        expect(root.meta).toMatchObject({
          env: 'bench',
          'http.route': '/api/notes/:id',
          'span.kind': 'server',
        });
        expect(root.meta['http.url']).toMatch(/^http:\/\/127\.0\.0\.1:5050\/api\/notes\/\d+$/);
        const db = trace.find((s) => s.name === 'pg.query');
        expect(db).toMatchObject({ service: 'bench-api-postgres', parent_id: root.span_id, type: 'sql' });
        expect(db?.meta['db.name']).toBe('app');
        expect(trace.find((s) => s.name === 'fastify.middleware')?.parent_id).toBe(root.span_id);
        for (const s of trace) {
          expect(s.trace_id).toBe(root.trace_id);
          expect(BigInt(s.span_id).toString()).toBe(s.span_id);
          if (BigInt(s.span_id) > 2n ** 53n) above53++;
          expect(s.duration).toBeGreaterThan(0);
          expect(s.start / 1e6).toBeGreaterThan(Date.now() - 120_000);
        }
      }
      const some = traces.slice(0, 200);
      const { v04, v05 } = encodeBoth(some);
      expect(decodeV04(v04)).toEqual(some);
      expect(decodeV05(v05)).toEqual(some);
    }
    expect(spans).toBeGreaterThan(100);
    // dd-trace's ids are random 64-bit: most are beyond what a double holds exactly.
    expect(above53).toBeGreaterThan(spans / 2);
  });

  it('answers a TraceDecodeError for every truncation of a v0.4 and a v0.5 body', () => {
    const { v04, v05 } = encodeBoth(first);
    for (const [body, decode] of [
      [v04, decodeV04],
      [v05, decodeV05],
    ] as const) {
      expect(decode(body)).toEqual(first);
      for (let cut = 0; cut < body.length; cut++) {
        expect(() => decode(body.subarray(0, cut)), `cut at ${cut}`).toThrow(TraceDecodeError);
      }
    }
  });

  it('mutated payloads: a result or a TraceDecodeError, never another exception', () => {
    const { v04, v05 } = encodeBoth(first);
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const body = Uint8Array.from(i % 2 ? v04 : v05);
      for (let k = 0; k < 1 + rand(4); k++) body[rand(body.length)] = rand(256);
      try {
        (i % 2 ? decodeV04 : decodeV05)(body);
      } catch (e) {
        if (!(e instanceof TraceDecodeError)) throw e;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

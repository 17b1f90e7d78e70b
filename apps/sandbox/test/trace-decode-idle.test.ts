import { encode } from '@msgpack/msgpack';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { decodeV04, decodeV04Columns } from '../src/agent/traces/decode.ts';

// Its own file: the decoder's idle timer is module state, armed by the first decode, which must
// happen under fake timers here.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const span = (i: number) => ({
  trace_id: 7,
  span_id: i + 1,
  parent_id: 0,
  name: 'web.request',
  service: 'api',
  resource: `GET /${i % 3}`,
  type: 'web',
  start: 1_700_000_000_000_000_000 + i,
  duration: 1000 + i,
  error: 0,
  meta: { env: 'dev', 'http.url': `/x/${i}` },
  metrics: { '_dd.top_level': 1 },
});
const body = encode([Array.from({ length: 500 }, (_, i) => span(i))]);

it('lets its batch arrays go after 10 s without a decode, and decodes as before after', () => {
  const before = decodeV04(body);
  expect(before[0]).toHaveLength(500);
  const batch = decodeV04Columns(body);
  expect(batch.strs.length).toBeGreaterThanOrEqual(500 * 6);
  vi.advanceTimersByTime(5_000);
  decodeV04Columns(body); // a decode within the 10 s: 10 s from this one
  vi.advanceTimersByTime(9_000);
  expect(batch.strs.length).toBeGreaterThanOrEqual(500 * 6);
  vi.advanceTimersByTime(2_000);
  expect([batch.strs.length, batch.nums.length, batch.traceHi.length, batch.numAt, batch.strAt]).toEqual([
    0,
    0,
    0,
    [0],
    [0],
  ]);
  expect(decodeV04(body)).toEqual(before);
  expect(decodeV04Columns(body).spans).toBe(500);
});

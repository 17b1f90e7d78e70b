import { describe, expect, it } from 'vitest';
import { ChunkPool, FIRST_CHUNK, LAST_CHUNK, noSamples } from './sample-chunks.ts';

const range = (from: number, n: number) => Float64Array.from({ length: n }, (_, i) => from + i + 0.25);

describe('ChunkPool', () => {
  it('keeps every sample in order across chunk boundaries, however the runs are cut', () => {
    const pool = new ChunkPool();
    const s = noSamples();
    const all: number[] = [];
    // runs of 1, 15, 16, 17, ... cross the 16, 32, 64 ... chunk edges at different offsets
    for (let run = 1, at = 0; all.length < 3 * LAST_CHUNK; run = (run * 7 + 3) % 5000) {
      const values = range(at, run + 10);
      pool.append(s, values, 5, 5 + run);
      for (let i = 5; i < 5 + run; i++) all.push(values[i] as number);
      at += run + 10;
    }
    expect(s.count).toBe(all.length);
    expect(Array.from(pool.gather(s))).toEqual(all);
    // chunks double from FIRST_CHUNK and stop at LAST_CHUNK
    expect(s.chunks[0]?.length).toBe(FIRST_CHUNK);
    expect(s.chunks[1]?.length).toBe(2 * FIRST_CHUNK);
    expect(Math.max(...s.chunks.map((c) => c.length))).toBe(LAST_CHUNK);
  });

  it('hands a one-chunk context its own chunk and joins longer ones', () => {
    const pool = new ChunkPool();
    const one = noSamples();
    pool.append(one, range(0, 10), 0, 10);
    const got = pool.gather(one);
    expect(got.buffer).toBe(one.chunks[0]?.buffer);
    expect(Array.from(got)).toEqual(Array.from(range(0, 10)));
    const two = noSamples();
    pool.append(two, range(100, 40), 0, 40);
    expect(two.chunks.length).toBe(2);
    expect(Array.from(pool.gather(two))).toEqual(Array.from(range(100, 40)));
  });

  it('reuses given chunks for the next bucket and lets go of what a bucket no longer needs', () => {
    const pool = new ChunkPool();
    const a = noSamples();
    pool.append(a, range(0, 1000), 0, 1000);
    const first = a.chunks[0];
    const inUse = pool.held.inUse;
    expect(inUse).toBeGreaterThanOrEqual(1000);
    pool.give(a);
    expect(a.count).toBe(0);
    expect(pool.held).toEqual({ inUse: 0, free: inUse });
    // the next bucket takes the same memory back
    const b = noSamples();
    pool.append(b, range(0, 1000), 0, 1000);
    expect(b.chunks[0]).toBe(first);
    expect(pool.held.free).toBe(0);
    pool.give(b);
    // a bucket that used it all keeps it; the one after, with nothing, frees it
    pool.trim();
    expect(pool.held.free).toBe(inUse);
    pool.trim();
    expect(pool.held).toEqual({ inUse: 0, free: 0 });
  });
});

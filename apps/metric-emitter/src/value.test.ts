import { describe, expect, it } from 'vitest';
import { MAX_VALUE, randomValue } from './value.ts';

describe('randomValue', () => {
  it('reaches both ends of 0..1000 and never 1001', () => {
    expect(randomValue(() => 0)).toBe(0);
    expect(randomValue(() => 0.999_999_999)).toBe(1000);
    expect(randomValue(() => 1000 / 1001)).toBe(1000);
    expect(randomValue(() => 999.999 / 1001)).toBe(999);
    // A broken source that returns 1 (outside [0, 1)) still cannot produce 1001.
    expect(randomValue(() => 1)).toBe(MAX_VALUE);
  });

  it('gives each of the 1001 integers an equal share of the unit interval', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1001; i++) seen.add(randomValue(() => (i + 0.5) / 1001));
    expect(seen.size).toBe(1001);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(1000);
  });

  it('returns integers with Math.random', () => {
    for (let i = 0; i < 1000; i++) {
      const v = randomValue();
      expect(Number.isInteger(v) && v >= 0 && v <= 1000).toBe(true);
    }
  });
});

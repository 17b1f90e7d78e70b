import { describe, expect, it } from 'vitest';
import { SEED_STEP_S, seasonality, seedPoints } from './seed-history.ts';

// 2026-12-02 was a Wednesday, 2026-12-05 a Saturday (UTC).
const WEDNESDAY = Date.UTC(2026, 11, 2) / 1000;
const SATURDAY = Date.UTC(2026, 11, 5) / 1000;
const at = (day: number, hour: number) => day + hour * 3600;

describe('the seeded week', () => {
  it('has a daily wave: mid-afternoon busier than the small hours', () => {
    expect(seasonality(at(WEDNESDAY, 15))).toBeGreaterThan(1.3 * seasonality(at(WEDNESDAY, 3)));
  });

  it('has a weekly wave: a Saturday quieter than a Wednesday at the same hour', () => {
    for (const hour of [3, 9, 15, 21])
      expect(seasonality(at(SATURDAY, hour))).toBeCloseTo(0.6 * seasonality(at(WEDNESDAY, hour)), 9);
  });

  it('gives a point every 15 s, noisy within ±15 % of the shape, ending at the live level', () => {
    const to = at(WEDNESDAY, 15);
    const from = to - 2 * 86_400;
    const points = seedPoints('postgresql.rows_fetched', 30, from, to);
    expect(points).toHaveLength((2 * 86_400) / SEED_STEP_S);
    expect(points[1]!.timestamp - points[0]!.timestamp).toBe(SEED_STEP_S);
    expect(points.at(-1)!.timestamp).toBe(to - SEED_STEP_S);
    const scale = 30 / seasonality(to);
    for (const p of points) {
      const shape = scale * seasonality(p.timestamp);
      expect(Math.abs(p.value - shape)).toBeLessThanOrEqual(shape * 0.15 + 0.001);
    }
    // The last hour averages out at the level the live check reports.
    const lastHour = points.slice(-240).map((p) => p.value);
    expect(lastHour.reduce((a, b) => a + b, 0) / lastHour.length).toBeCloseTo(30, -0.5);
    // Noise, not a constant: the values spread.
    expect(new Set(lastHour).size).toBeGreaterThan(200);
  });

  it('is the same week every time for one metric, and a different noise for another', () => {
    const a = seedPoints('postgresql.rows_fetched', 30, WEDNESDAY, WEDNESDAY + 3600);
    expect(seedPoints('postgresql.rows_fetched', 30, WEDNESDAY, WEDNESDAY + 3600)).toEqual(a);
    expect(seedPoints('postgresql.rows_returned', 30, WEDNESDAY, WEDNESDAY + 3600)).not.toEqual(a);
  });
});

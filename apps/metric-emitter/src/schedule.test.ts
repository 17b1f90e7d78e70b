import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSchedule, type Tick } from './schedule.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('startSchedule', () => {
  it('fires at start + n × interval over 1,000 periods even when every timer fires late', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lateness = 7; // every timer fires 7 ms after it was asked to
    const timers = {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms + lateness),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    const fired: Array<{ at: number; tick: Tick }> = [];
    const interval = 45_000;
    const schedule = startSchedule({
      intervalMs: interval,
      timers,
      onTick: (tick) => fired.push({ at: Date.now(), tick }),
    });
    vi.advanceTimersByTime(1000 * interval + lateness);
    schedule.stop();

    expect(fired).toHaveLength(1001);
    for (const [n, { at, tick }] of fired.entries()) {
      expect(tick.n).toBe(n);
      expect(tick.dueAt).toBe(1_000_000 + n * interval);
      expect(tick.nextAt).toBe(1_000_000 + (n + 1) * interval);
      // Late by the one timer's lateness at most, never by the sum of them (7 s after 1,000).
      expect(at - tick.dueAt).toBeLessThanOrEqual(lateness);
    }
    // A chained setTimeout(interval) would have fired the last one 1000 × 7 ms late.
    expect(fired.at(-1)!.at).toBe(1_000_000 + 1000 * interval + lateness);
  });

  it('sends the first point at start and stops cleanly', () => {
    vi.useFakeTimers({ now: 0 });
    const ticks: Tick[] = [];
    const schedule = startSchedule({ intervalMs: 1000, onTick: (t) => ticks.push(t) });
    expect(ticks).toEqual([{ n: 0, dueAt: 0, nextAt: 1000 }]);
    vi.advanceTimersByTime(2500);
    expect(ticks.map((t) => t.n)).toEqual([0, 1, 2]);
    schedule.stop();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toHaveLength(3);
  });

  it('skips slots missed while the process was suspended instead of sending a burst', () => {
    vi.useFakeTimers({ now: 0 });
    const ticks: Tick[] = [];
    let now = 0;
    const pending: Array<() => void> = [];
    const schedule = startSchedule({
      intervalMs: 1000,
      clock: () => now,
      timers: { setTimeout: (fn) => pending.push(fn), clearTimeout: () => {} },
      onTick: (t) => ticks.push(t),
    });
    now = 5_300; // the machine slept through slots 1..5
    pending.shift()!();
    expect(ticks.at(-1)).toEqual({ n: 1, dueAt: 1000, nextAt: 6000 });
    now = 6_000;
    pending.shift()!();
    expect(ticks.at(-1)).toEqual({ n: 6, dueAt: 6000, nextAt: 7000 });
    schedule.stop();
  });

  it('rejects a non-positive interval', () => {
    expect(() => startSchedule({ intervalMs: 0, onTick: () => {} })).toThrow(/positive/);
  });
});

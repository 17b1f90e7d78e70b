import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { IdleRelease } from './idle-release.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('releases once the delay has passed since the last touch, and again after a later touch', () => {
  let released = 0;
  const idle = new IdleRelease(10_000, () => released++);
  vi.advanceTimersByTime(60_000);
  expect(released).toBe(0); // never touched: nothing to release
  idle.touch();
  vi.advanceTimersByTime(6_000);
  idle.touch(); // 10 s from here
  vi.advanceTimersByTime(9_000);
  expect(released).toBe(0);
  expect(vi.getTimerCount()).toBe(1); // touches share one timer
  vi.advanceTimersByTime(1_000);
  expect(released).toBe(1);
  expect(vi.getTimerCount()).toBe(0);
  vi.advanceTimersByTime(60_000);
  expect(released).toBe(1);
  idle.touch();
  vi.advanceTimersByTime(10_000);
  expect(released).toBe(2);
});

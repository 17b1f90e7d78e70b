import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['45', 45_000],
    ['45s', 45_000],
    ['1m', 60_000],
    ['1500ms', 1500],
    ['2h', 7_200_000],
    ['8d', 8 * 86_400_000],
    ['1.5s', 1500],
    [' 10s ', 10_000],
    ['', undefined],
    ['s', undefined],
    ['-5s', undefined],
    ['5 minutes', undefined],
    ['1e3', undefined],
  ];
  for (const [input, expected] of cases)
    it(JSON.stringify(input), () => expect(parseDuration(input)).toBe(expected));
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [45_000, '45s'],
    [60_000, '1m'],
    [1500, '1500ms'],
    [7_200_000, '2h'],
    [86_400_000, '1d'],
  ];
  for (const [input, expected] of cases)
    it(String(input), () => expect(formatDuration(input)).toBe(expected));
});

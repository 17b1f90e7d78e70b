import { ConfigError } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { configFrom } from './helpers.ts';

describe('MY_METRIC_INTERVAL', () => {
  it.each([
    [undefined, 45_000],
    ['45', 45_000],
    ['45s', 45_000],
    ['1m', 60_000],
    ['1500ms', 1500],
    ['1s', 1000],
    [' 2.5s ', 2500],
  ])('%j is %d ms', (raw, ms) => {
    const env: Record<string, string> = raw === undefined ? {} : { MY_METRIC_INTERVAL: raw };
    expect(configFrom(env).emitter.intervalMs).toBe(ms);
  });

  it.each([
    ['soon', '"soon" is not a duration (a number of seconds, or with ms, s, m, h or d)'],
    ['45 seconds', '"45 seconds" is not a duration'],
    ['-5s', '"-5s" is not a duration'],
    ['500ms', '"500ms" is shorter than the minimum of 1000 ms'],
    ['0', '"0" is shorter than the minimum of 1000 ms'],
  ])('rejects %j with an error naming the variable and the problem', (raw, message) => {
    let error: unknown;
    try {
      configFrom({ MY_METRIC_INTERVAL: raw });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`MY_METRIC_INTERVAL: ${message}`);
    expect((error as Error).message).toContain('for example MY_METRIC_INTERVAL=45s');
  });
});

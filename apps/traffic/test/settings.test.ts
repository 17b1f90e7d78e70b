import { loadConfig } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { trafficSettings, USER_AGENT } from '../src/settings.ts';

const settingsOf = (env: Record<string, string>) => trafficSettings(loadConfig({ env, envFile: false }));

describe('traffic settings', () => {
  it('defaults to traced-api on PORT, 5 req/s, steady, until stopped', () => {
    expect(settingsOf({})).toMatchObject({
      target: 'http://127.0.0.1:5050',
      rps: 5,
      mode: 'steady',
      durationMs: undefined,
    });
    expect(settingsOf({ PORT: '6000' }).target).toBe('http://127.0.0.1:6000');
    expect(USER_AGENT).toMatch(/^dd-challenge-traffic\/\d+\.\d+\.\d+$/);
  });

  it('reads TRAFFIC_* from the environment', () => {
    expect(
      settingsOf({
        TRAFFIC_TARGET: 'http://api.local:8080/',
        TRAFFIC_RPS: '12.5',
        TRAFFIC_MODE: 'burst',
        TRAFFIC_DURATION: '10m',
      }),
    ).toMatchObject({ target: 'http://api.local:8080', rps: 12.5, mode: 'burst', durationMs: 600_000 });
    expect(settingsOf({ TRAFFIC_DURATION: '0' }).durationMs).toBeUndefined();
  });

  it.each([
    ['TRAFFIC_MODE', 'chaos', 'is not one of steady, burst, errors'],
    ['TRAFFIC_RPS', 'fast', 'must be a positive number'],
    ['TRAFFIC_RPS', '5000', 'must be at most 1000'],
    ['TRAFFIC_DURATION', 'forever', 'is not a duration'],
    ['TRAFFIC_TARGET', 'ftp://x', 'is not an http(s) URL'],
  ])('rejects %s=%s naming the problem', (name, value, problem) => {
    expect(() => settingsOf({ [name]: value })).toThrow(`${name}: "${value}" ${problem}`);
  });
});

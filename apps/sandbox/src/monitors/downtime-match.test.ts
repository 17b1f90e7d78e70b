import { describe, expect, it } from 'vitest';
import {
  type DowntimeView,
  identifiesMonitor,
  mutingDowntimes,
  parseScope,
  scopeMatches,
} from './downtime-match.ts';

const group = ['host:auth-1', 'service:web-store', 'env:staging'];

describe('scope matching', () => {
  const table: { scope: string; tags?: string[]; expected: boolean }[] = [
    { scope: '*', expected: true },
    { scope: '', expected: true },
    { scope: 'service:web-store', expected: true },
    { scope: 'service:web-store', tags: ['host:a'], expected: false },
    { scope: 'host:auth-*', expected: true },
    { scope: 'host:*-1', expected: true },
    { scope: 'host:db-*', expected: false },
    { scope: 'service:web-store AND env:(dev OR staging)', expected: true },
    { scope: 'service:web-store AND env:(dev OR prod)', expected: false },
    { scope: 'service:web-store env:staging', expected: true }, // implicit AND
    { scope: '-env:prod', expected: true },
    { scope: '-env:staging', expected: false },
    { scope: 'NOT env:staging', expected: false },
    { scope: 'service:web-store AND -env:staging', expected: false },
    { scope: 'service:web-store AND (env:prod OR host:auth-1)', expected: true },
    { scope: 'service:web-store AND NOT (env:prod OR host:auth-1)', expected: false },
    { scope: 'SERVICE:Web-Store', expected: true },
    { scope: 'env:"staging"', expected: true },
    { scope: 'host:auth-1', tags: [], expected: false },
  ];
  for (const c of table) {
    it(`${JSON.stringify(c.scope)} on ${JSON.stringify(c.tags ?? group)} -> ${c.expected}`, () => {
      const parsed = parseScope(c.scope);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(scopeMatches(parsed.value, c.tags ?? group)).toBe(c.expected);
    });
  }

  const errors: { scope: string; message: RegExp }[] = [
    { scope: 'env:prod OR env:dev', message: /OR is not allowed at the top level/ },
    { scope: 'webstore', message: /has no key/ },
    { scope: 'host:auth-?', message: /'\?' wildcards/ },
    { scope: 'env:(prod OR dev', message: /unclosed parenthesis/ },
    { scope: 'a:b AND ((c:d AND (e:f)))', message: /at most 2 levels/ },
    { scope: 'env:', message: /has no value/ },
    { scope: '(env:prod', message: /missing \)/ },
  ];
  for (const e of errors) {
    it(`rejects ${JSON.stringify(e.scope)}`, () => {
      const parsed = parseScope(e.scope);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(e.message);
    });
  }
});

describe('monitor identifier', () => {
  const monitor = { id: 42, tags: ['team:core', 'challenge'] };
  const table: { ident: DowntimeView['monitor_identifier']; expected: boolean }[] = [
    { ident: { monitor_id: 42 }, expected: true },
    { ident: { monitor_id: 7 }, expected: false },
    { ident: { monitor_tags: ['team:core'] }, expected: true },
    { ident: { monitor_tags: ['team:core', 'challenge'] }, expected: true },
    { ident: { monitor_tags: ['team:core', 'other'] }, expected: false },
    { ident: { monitor_tags: ['team:*'] }, expected: true },
    { ident: { monitor_tags: ['*'] }, expected: true },
    { ident: undefined, expected: true },
  ];
  for (const c of table) {
    it(`${JSON.stringify(c.ident)} -> ${c.expected}`, () => {
      expect(identifiesMonitor({ monitor_identifier: c.ident }, monitor)).toBe(c.expected);
    });
  }
});

describe('mutingDowntimes', () => {
  const nightly: DowntimeView = {
    id: 'dt-night',
    scope: 'host:web-*',
    monitor_identifier: { monitor_tags: ['*'] },
    created: '2026-01-01T00:00:00Z',
    schedule: {
      timezone: 'UTC',
      recurrences: [{ rrule: 'FREQ=DAILY', duration: '2h', start: '2026-01-01T22:00' }],
    },
  };
  const other: DowntimeView = { ...nightly, id: 'dt-other', monitor_identifier: { monitor_id: 9 } };
  it('mutes matching groups only inside a window', () => {
    const at = (iso: string) => Date.parse(iso);
    const monitor = { id: 1, tags: [] };
    expect(
      mutingDowntimes([nightly, other], monitor, ['host:web-1'], at('2026-03-03T23:00:00Z')).map((d) => d.id),
    ).toEqual(['dt-night']);
    expect(mutingDowntimes([nightly], monitor, ['host:db-1'], at('2026-03-03T23:00:00Z'))).toEqual([]);
    expect(mutingDowntimes([nightly], monitor, ['host:web-1'], at('2026-03-04T00:00:00Z'))).toEqual([]);
  });
});

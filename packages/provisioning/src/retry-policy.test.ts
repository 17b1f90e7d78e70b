import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, isIdempotent, type Outcome, retryDecision } from './retry-policy.ts';

const policy = {
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxRateLimitWaitMs: 5000,
};
const get = { method: 'GET', url: 'http://x/api/v1/monitor' };
const create = { method: 'POST', url: 'http://x/api/v1/monitor' };
const validate = { method: 'POST', url: 'http://x/api/v1/monitor/validate' };
const status = (s: number, headers: Record<string, string> = {}): Outcome => ({
  kind: 'response',
  status: s,
  headers,
});
const failure = (code: string): Outcome => ({ kind: 'error', code });
const half = () => 0.5;

const cases: Array<{ desc: string; req: typeof get; outcome: Outcome; attempt: number; expected: unknown }> =
  [
    { desc: '200 ends', req: get, outcome: status(200), attempt: 1, expected: { retry: false } },
    { desc: '404 ends', req: get, outcome: status(404), attempt: 1, expected: { retry: false } },
    {
      desc: '429 waits for X-RateLimit-Reset (+ jitter)',
      req: create,
      outcome: status(429, { 'x-ratelimit-reset': '2' }),
      attempt: 1,
      expected: { retry: true, delayMs: 2050 },
    },
    {
      desc: '429 honours Retry-After too',
      req: get,
      outcome: status(429, { 'retry-after': '1' }),
      attempt: 1,
      expected: { retry: true, delayMs: 1050 },
    },
    {
      desc: '429 with a reset past the bound stops',
      req: get,
      outcome: status(429, { 'x-ratelimit-reset': '60' }),
      attempt: 1,
      expected: { retry: false, reason: 'rate limited for 60 s more' },
    },
    {
      desc: '500 on GET backs off with jitter',
      req: get,
      outcome: status(500),
      attempt: 1,
      expected: { retry: true, delayMs: 50 },
    },
    {
      desc: 'backoff doubles',
      req: get,
      outcome: status(503),
      attempt: 3,
      expected: { retry: true, delayMs: 200 },
    },
    {
      desc: '500 on a create is not resent',
      req: create,
      outcome: status(500),
      attempt: 1,
      expected: { retry: false, reason: 'not retried: the request may have been applied' },
    },
    {
      desc: '500 on validate is resent',
      req: validate,
      outcome: status(502),
      attempt: 1,
      expected: { retry: true, delayMs: 50 },
    },
    {
      desc: 'reset on GET is resent',
      req: get,
      outcome: failure('ECONNRESET'),
      attempt: 1,
      expected: { retry: true, delayMs: 50 },
    },
    {
      desc: 'reset on a create is not',
      req: create,
      outcome: failure('ECONNRESET'),
      attempt: 1,
      expected: { retry: false, reason: 'not retried: the request may have been applied' },
    },
    {
      desc: 'refused on a create is resent (never sent)',
      req: create,
      outcome: failure('ECONNREFUSED'),
      attempt: 1,
      expected: { retry: true, delayMs: 50 },
    },
    {
      desc: 'an unknown failure is not retried',
      req: get,
      outcome: failure('EFETCH'),
      attempt: 1,
      expected: { retry: false },
    },
    {
      desc: 'attempts are bounded',
      req: get,
      outcome: status(500),
      attempt: 4,
      expected: { retry: false, reason: 'gave up after 4 attempts' },
    },
  ];

describe('retryDecision', () => {
  for (const c of cases) {
    it(c.desc, () => {
      expect(retryDecision(policy, c.req, c.outcome, c.attempt, half)).toEqual(c.expected);
    });
  }

  it('never waits longer than maxDelayMs on backoff', () => {
    const d = retryDecision({ ...policy, maxAttempts: 50 }, get, status(500), 30, () => 0.999);
    expect(d.retry && d.delayMs).toBeLessThan(policy.maxDelayMs);
  });

  it('knows which requests are idempotent', () => {
    expect([
      isIdempotent('PUT', 'http://x/a'),
      isIdempotent('DELETE', 'http://x/a'),
      isIdempotent('POST', 'http://x/api/v1/monitor/12/validate'),
    ]).toEqual([true, true, true]);
    expect(isIdempotent('POST', 'http://x/api/v1/events')).toBe(false);
  });
});

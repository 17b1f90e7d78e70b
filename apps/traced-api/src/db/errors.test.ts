import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    {
      desc: 'connection refused',
      error: withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      expected: true,
    },
    {
      desc: 'pool connect timeout',
      error: new Error('timeout exceeded when trying to connect'),
      expected: true,
    },
    { desc: 'dropped connection', error: new Error('Connection terminated unexpectedly'), expected: true },
    { desc: 'client query timeout', error: new Error('Query read timeout'), expected: true },
    { desc: 'admin shutdown 57P01', error: withCode('terminating connection', '57P01'), expected: true },
    { desc: 'statement timeout 57014', error: withCode('canceling statement', '57014'), expected: true },
    { desc: 'connection exception 08006', error: withCode('connection failure', '08006'), expected: true },
    {
      desc: 'refused on every address',
      error: new AggregateError([withCode('x', 'ECONNREFUSED')]),
      expected: true,
    },
    { desc: 'syntax error 42601 (a bug)', error: withCode('syntax error', '42601'), expected: false },
    { desc: 'unique violation 23505', error: withCode('duplicate key', '23505'), expected: false },
    { desc: 'plain error', error: new Error('boom'), expected: false },
    { desc: 'not an error', error: 'ECONNREFUSED', expected: false },
  ])('$desc -> $expected', ({ error, expected }) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});

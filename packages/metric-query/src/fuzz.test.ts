import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from './ast.ts';
import { format } from './format.ts';
import { gauge, memorySource } from './memory-source.ts';
import { evaluateMonitor } from './monitor.ts';
import { parseMonitorQuery } from './monitor-parser.ts';
import { MAX_QUERY_LENGTH, parse } from './parser.ts';
import { evaluate } from './query.ts';

const corpus = [
  'avg:my_metric{$host}',
  "anomalies(avg:postgresql.rows_fetched{*}, 'basic', 2)",
  'avg:my_metric{*}.rollup(sum, 3600)',
  'avg(last_5m):avg:my_metric{*} by {host} > 800',
  'sum:trace.fastify.request.hits{service:traced-api} by {resource_name}.as_count()',
  'p95:trace.fastify.request{service:traced-api}',
  'avg:system.cpu.user{*} by {host}',
  'avg:m{env:prod AND (role:db OR role:cache) AND NOT host:x}',
  "top(avg:m{*} by {host}, 10, 'mean', 'desc') / 2 - -3",
  "moving_rollup(timeshift(avg:m{a:b,!c:d*}, -3600), 300, 'max').fill(zero)",
  "pct_change(avg(last_5m),last_5m):anomalies(avg:m{*}, 'basic', 2, direction='above') >= 0.5",
];

const ALPHABET = [
  ...'avgsumpx95:.{}()!,*$\'" -+/<>=_01 ANDORNT',
  'by',
  'AND',
  'OR',
  'NOT',
  '.rollup(',
  'anomalies(',
];

/** Checks the contract of a failed or successful parse of `text`. */
function checkResult<T>(text: string, r: ParseResult<T>): void {
  if (r.ok) return;
  expect(r.error.from).toBeGreaterThanOrEqual(0);
  expect(r.error.to).toBeGreaterThanOrEqual(r.error.from);
  expect(r.error.to).toBeLessThanOrEqual(text.length);
  expect(r.error.message.length).toBeGreaterThan(0);
  expect(r.error.message).not.toMatch(/^internal/);
}

const source = memorySource([
  gauge(
    'm',
    ['host:a', 'env:prod'],
    Array.from({ length: 30 }, (_, i): [number, number] => [i * 10, i]),
  ),
]);

const mutated = fc
  .tuple(
    fc.constantFrom(...corpus),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 6 }),
        fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
        fc.constantFrom(...ALPHABET),
      ),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
  )
  .map(([base, ops]) => {
    let s = base;
    for (const [at, len, op, piece] of ops) {
      const i = at % (s.length + 1);
      if (op === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (op === 'insert') s = s.slice(0, i) + piece + s.slice(i);
      else if (op === 'duplicate') s = s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len);
      else s = s.slice(i, i + len) + s.slice(0, i) + s.slice(i + len);
    }
    return s;
  });

describe('fuzz: bad input never throws, every result honours the contract', () => {
  it('random strings over the query alphabet', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((a) => a.join('')),
        (text) => {
          checkResult(text, parse(text));
          checkResult(text, parseMonitorQuery(text));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        checkResult(text, parse(text));
        checkResult(text, parseMonitorQuery(text));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated corpus queries parse or fail cleanly; what parses formats stably and evaluates without throwing', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const r = parse(text);
        checkResult(text, r);
        if (r.ok) {
          const canonical = format(r.value);
          expect(parse(canonical)).toEqual(r);
          const ev = evaluate(r.value, { source, from: 0, to: 300, templateVariables: { host: 'a' } });
          checkResult(canonical, ev);
        }
        const m = parseMonitorQuery(text);
        checkResult(text, m);
        if (m.ok) expect(evaluateMonitor(m.value, { source, now: 300 }).groups).toBeInstanceOf(Array);
      }),
      { numRuns: 800 },
    );
  });

  it('non-string input is an error value', () => {
    expect(parse(42 as unknown as string)).toEqual({
      ok: false,
      error: { from: 0, to: 0, message: 'query must be a string' },
    });
  });

  it('input beyond the length limit is refused', () => {
    const r = parse(`avg:m{${'a,'.repeat(MAX_QUERY_LENGTH)}b}`);
    expect(!r.ok && r.error.message).toBe(`query is longer than ${MAX_QUERY_LENGTH} characters`);
  });
});

describe('fuzz: parsing time is linear in the input', () => {
  const shapes: Record<string, (n: number) => string> = {
    'long sum of queries': (n) => Array.from({ length: n }, () => 'avg:m{a:b}').join(' + '),
    'long scope list': (n) => `avg:m{${Array.from({ length: n }, (_, i) => `k${i}:v`).join(',')}}`,
    'long boolean scope': (n) => `avg:m{${Array.from({ length: n }, (_, i) => `k${i}:v`).join(' OR ')}}`,
    'many arguments': (n) => `abs(${Array.from({ length: n }, () => 'avg:m{*}').join(', ')})`,
    'unterminated string at the end': (n) =>
      `${Array.from({ length: n }, () => 'avg:m{*}').join(' * ')} / '${'x'.repeat(n)}`,
    'many modifiers': (n) => `avg:m{*}${'.as_count()'.repeat(n)}`,
  };
  /** Best of five runs, in ms. */
  function time(text: string): number {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      parse(text);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  }
  for (const [name, make] of Object.entries(shapes)) {
    it(name, () => {
      const small = make(150);
      const large = make(600);
      expect(large.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
      time(small); // warm up the JIT
      const ts = Math.max(time(small), 0.05);
      const tl = time(large);
      // Linear: 4x the input takes about 4x the time; quadratic would take 16x.
      expect(tl / ts).toBeLessThan(10);
      expect(tl).toBeLessThan(100);
    });
  }
});

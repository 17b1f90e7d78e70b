/**
 * The anomalies figure of the query language: `anomalies(avg:m{*}, 'basic', 2)` over a week of
 * 10 s points (60,480), target under 100 ms. Three timings, each the median wall time of RUNS
 * calls after a warm-up:
 *   - `bands`: anomalyBands() alone over all 60,480 points (the rolling window over every point);
 *   - `evaluate`: the query as /api/v1/query answers it, asked at 10 s: every point read and rolled
 *     up, the band at 600 s (1,008 points, Datadog's 1,500-point limit);
 *   - `full_resolution`: the evaluator forced to 10 s, the band over every point, no response body.
 * Prints JSON and writes bench-results/query.json, with the load average (2 shared cores).
 *
 *   pnpm --filter @dd-challenge/metric-query bench
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { anomalyBands } from '../src/anomalies.ts';
import { evalExpr } from '../src/evaluate.ts';
import { evaluate, memorySource, parse, type SeriesData } from '../src/index.ts';

const RUNS = 15;
const WARMUP = 3;
const TARGET_MS = 100;
const POINTS = 60_480;

function medianMs(f: () => void): number {
  for (let i = 0; i < WARMUP; i++) f();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)]! * 100) / 100;
}

const start = 1_699_920_000; // a UNIX day boundary
const times = Array.from({ length: POINTS }, (_, i) => start + i * 10);
const values = times.map((_, i) => 500 + 100 * Math.sin(i / 360) + 50 * Math.random());
const week: SeriesData = { metric: 'm', tags: ['host:db'], type: 'gauge', interval: 10, times, values };
const source = memorySource([week]);
const to = start + POINTS * 10 - 1;
const QUERY = "anomalies(avg:m{*}, 'basic', 2)";
const parsed = parse(QUERY);
if (!parsed.ok) throw new Error(parsed.error.message);

const bands = medianMs(() => {
  anomalyBands(Float64Array.from(values), 2);
});
const evaluated = medianMs(() => {
  const r = evaluate(QUERY, { source, from: start, to, interval: 10 });
  if (!r.ok || r.value.series[0]?.length !== 1008)
    throw new Error('the anomalies query gave the wrong result');
});
const fullResolution = medianMs(() => {
  const r = evalExpr(parsed.value, { source, interval: 10 }, start, to);
  if (r.kind !== 'series' || r.series[0]?.values.length !== POINTS)
    throw new Error('wrong full-resolution result');
});

const result = {
  date: new Date().toISOString(),
  node: process.version,
  load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
  query: QUERY,
  points: POINTS,
  target_ms: TARGET_MS,
  median_ms: { bands, evaluate: evaluated, full_resolution: fullResolution },
  met: Math.max(bands, evaluated, fullResolution) < TARGET_MS,
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/query.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

/**
 * Benchmarks of the two heavy queries the challenge's dashboards run, each against a floor
 * measured in the same run: a plain single pass over the same arrays that puts every point into
 * its time bucket (the least work any query must do). `engine` is the evaluator alone
 * (select, roll up, aggregate, functions); `evaluate` is the whole /api/v1/query answer, body
 * included. Asked for 10 s over a week, evaluate() (as Datadog) rolls up to 600 s so the series
 * stays within 1,500 points; `full_resolution_engine` forces the evaluator to 10 s anyway, the
 * rolling window over all 60,480 points, and is reported beside the target. Prints JSON and writes
 * bench-results/query.json. The load average is recorded: 2 cores are shared by many processes.
 *
 *   anomalies(avg:m{*}, 'basic', 2) over 7 days of 10 s points (60,480)   target <= 25 ms, <= 10x floor
 *   sum:m{*} by {host}.rollup(sum, 3600) over 100 series x 8,640 points   target <= 50 ms, <= 10x floor
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { evalExpr } from '../src/evaluate.ts';
import { evaluate, memorySource, parse, type SeriesData, type SeriesSource } from '../src/index.ts';

const RUNS = 9;
const WARMUP = 5;
/** CPU each timing accumulates (several clock ticks). */
const BUDGET_MS = 40;

interface Timing {
  /** Median and best CPU time of the measured function (main thread), ms. */
  readonly median: number;
  readonly best: number;
  readonly floorMedian: number;
  readonly floorBest: number;
  /** Median over runs of (time / floor time of the same run). */
  readonly ratio: number;
  /** Median wall-clock time, ms (inflated when other processes hold the cores). */
  readonly wallMedian: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * CPU milliseconds (user + system) of the main thread since `since`. Main thread only: GC helper
 * threads finishing the previous run's garbage would otherwise be charged to the next timing.
 */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.threadCpuUsage(since);
  return (d.user + d.system) / 1000;
}

/**
 * Repeats `f` until it has used `budgetMs` of CPU and returns the CPU and wall time per call:
 * the thread CPU clock ticks in steps of a few ms, so one short call cannot be timed alone.
 */
function perCall(f: () => unknown, budgetMs: number): { cpu: number; wall: number } {
  const w0 = performance.now();
  const c0 = process.threadCpuUsage();
  let reps = 0;
  do {
    f();
    reps++;
  } while (cpuMs(c0) < budgetMs);
  return { cpu: cpuMs(c0) / reps, wall: (performance.now() - w0) / reps };
}

/**
 * Runs `fn` and `floor` alternately so both see the same machine state, timing each by the
 * main thread's CPU time: on 2 cores shared by many processes, wall time mostly measures waiting.
 */
function measure(fn: () => unknown, floor: () => unknown): Timing {
  for (let i = 0; i < WARMUP; i++) {
    fn();
    floor();
  }
  // With --expose-gc, each timing starts without the previous run's garbage.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const a: number[] = [];
  const b: number[] = [];
  const walls: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    collect();
    const f = perCall(floor, BUDGET_MS);
    collect();
    const m = perCall(fn, BUDGET_MS);
    a.push(m.cpu);
    b.push(f.cpu);
    walls.push(m.wall);
    ratios.push(m.cpu / f.cpu);
  }
  return {
    median: median(a),
    best: Math.min(...a),
    floorMedian: median(b),
    floorBest: Math.min(...b),
    ratio: median(ratios),
    wallMedian: median(walls),
  };
}

/** A deterministic pseudo-random sequence (mulberry32) so every run sees the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function series(metric: string, tags: string[], start: number, n: number, rnd: () => number): SeriesData {
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = start + i * 10;
    values[i] = 500 + 100 * Math.sin(i / 360) + 50 * rnd();
  }
  return { metric, tags, type: 'gauge', interval: 10, times, values };
}

let sink = 0;
const start = 1_700_000_000 - (1_700_000_000 % 86_400);

/** The evaluator without the response body. */
function engine(query: string, source: SeriesSource, from: number, to: number, interval: number): number {
  const e = parse(query);
  if (!e.ok) throw new Error(e.error.message);
  const r = evalExpr(e.value, { source, interval }, from, to);
  return r.kind === 'series' ? r.series.length : 0;
}

/** The floor: each point of each series added into its bucket, one pass (buffer reused). */
const floorBuffer = new Float64Array(60_480);
function bucketPass(list: readonly SeriesData[], interval: number, buckets: number): void {
  const out = floorBuffer.subarray(0, buckets).fill(0);
  for (const s of list) {
    const { times, values } = s;
    for (let i = 0; i < times.length; i++) out[Math.floor((times[i]! - start) / interval)]! += values[i]!;
  }
  sink += out[0]!;
}

// ---- anomalies over 60,480 points ----
const week = series('m', ['host:db'], start, 60_480, random(1));
const weekSource = memorySource([week]);
const weekTo = start + 60_480 * 10 - 1;
const ANOMALIES = "anomalies(avg:m{*}, 'basic', 2)";
const weekFloor = () => bucketPass([week], 10, 60_480);
// As /api/v1/query answers it, asked for 10 s: all 60,480 points are read and rolled up, and the
// band is computed at 600 s, the finest interval that keeps a week within Datadog's 1,500 points.
const anomaliesEvaluate = measure(() => {
  const r = evaluate(ANOMALIES, { source: weekSource, from: start, to: weekTo, interval: 10 });
  if (!r.ok || r.value.series[0]!.length !== 1008 || r.value.series[0]!.interval !== 600)
    throw new Error('anomalies benchmark produced the wrong result');
  sink += r.value.series[0]!.length;
}, weekFloor);
// The evaluator forced to 10 s (below the API's limit): the rolling window over every point.
const anomaliesFullResolution = measure(() => {
  sink += engine(ANOMALIES, weekSource, start, weekTo, 10);
}, weekFloor);
const plainEvaluate = measure(() => {
  const r = evaluate('avg:m{*}', { source: weekSource, from: start, to: weekTo, interval: 10 });
  if (r.ok) sink += r.value.series.length;
}, weekFloor);

// ---- rollup sum 3600 over 100 series x 8,640 points ----
const rnd = random(2);
const fleet = Array.from({ length: 100 }, (_, h) =>
  series('m', [`host:h${h}`, 'env:bench'], start, 8640, rnd),
);
const fleetSource = memorySource(fleet);
const dayTo = start + 86_400 - 1;
const ROLLUP = 'sum:m{*} by {host}.rollup(sum, 3600)';
const fleetFloor = () => bucketPass(fleet, 3600, 24);
const rollupEngine = measure(() => {
  sink += engine(ROLLUP, fleetSource, start, dayTo, 300);
}, fleetFloor);
const rollupEvaluate = measure(() => {
  const r = evaluate(ROLLUP, { source: fleetSource, from: start, to: dayTo });
  if (!r.ok || r.value.series.length !== 100 || r.value.series[0]!.length !== 24)
    throw new Error('rollup benchmark produced the wrong result');
  sink += r.value.series.length;
}, fleetFloor);

const round = (x: number) => Math.round(x * 1000) / 1000;
const figures = (t: Timing, targetMs: number) => ({
  cpu_median_ms: round(t.median),
  cpu_best_ms: round(t.best),
  floor_cpu_median_ms: round(t.floorMedian),
  ratio_to_floor: round(t.ratio),
  wall_median_ms: round(t.wallMedian),
  meets_target: t.median <= targetMs && t.ratio <= 10,
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  load_average_1m: round(loadavg()[0]!),
  runs: RUNS,
  note: 'times are main-thread CPU ms; ratio_to_floor is the median of per-run ratios (floor and query alternate); meets_target: cpu_median_ms <= target and ratio <= 10',
  anomalies: {
    query: ANOMALIES,
    points: 60_480,
    target_ms: 25,
    /** The target: the query as the API evaluates it (60,480 points in, 1,008 out at 600 s). */
    evaluate: { ...figures(anomaliesEvaluate, 25), interval: 600, points_out: 1008 },
    /** Beyond the API: the band over every 10 s point (60,480 out), the evaluator alone. */
    full_resolution_engine: { ...figures(anomaliesFullResolution, 25), interval: 10, points_out: 60_480 },
    plain_query_evaluate: figures(plainEvaluate, 25),
  },
  rollup: {
    query: ROLLUP,
    series: 100,
    points_per_series: 8640,
    target_ms: 50,
    engine: figures(rollupEngine, 50),
    evaluate: figures(rollupEvaluate, 50),
  },
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/query.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (sink === Number.NEGATIVE_INFINITY) console.log(sink);

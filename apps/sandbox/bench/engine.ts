// Monitor engine: one evaluation cycle of 1,000 metric monitors (`avg(last_5m)` by host, two
// hosts each, 10 s points) through the real engine (metric-query's evaluateMonitor over the
// sandbox's MetricStore, the state machine, state + history written to SQLite), against the
// baseline of just reading the same points from the same store, in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openStore } from '../src/backend/db/store.ts';
import { MetricStore } from '../src/backend/metrics/store.ts';
import { MonitorEngine } from '../src/backend/monitors/engine.ts';
import { ManualClock } from '../src/clock.ts';

const MONITORS = 1000;
const HOSTS = 2;
const CYCLES = 9;
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
const store = openStore(dataDir);
const metrics = new MetricStore();
const clock = new ManualClock(T0);

// An hour of 10 s points before T0 and through the measured cycles.
for (let m = 0; m < MONITORS; m++) {
  for (let h = 0; h < HOSTS; h++) {
    const tags = [`host:h${h}`];
    for (let t = T0 / 1000 - 3600; t < T0 / 1000 + (CYCLES + 1) * 60; t += 10) {
      // A wave through warn (500) and alert (800) once an hour, each series at its own phase.
      const phase = (m * HOSTS + h) / (MONITORS * HOSTS);
      metrics.addPoint(
        `bench.m${m}`,
        tags,
        'gauge',
        10,
        t,
        450 + 450 * Math.sin(2 * Math.PI * (t / 3600 + phase)),
      );
    }
  }
  store.monitors.create((id) => ({
    id,
    type: 'query alert',
    name: `bench ${m}`,
    message: '{{#is_alert}}{{host.name}} at {{value}}{{/is_alert}} @bench@example.com',
    query: `avg(last_5m):avg:bench.m${m}{*} by {host} > 800`,
    tags: [],
    options: { thresholds: { critical: 800, warning: 500 }, notify_no_data: true },
    multi: true,
    priority: null,
    created: new Date(T0 - 3_600_000).toISOString(),
    modified: new Date(T0 - 3_600_000).toISOString(),
    created_at: T0 - 3_600_000,
  }));
}

const engine = new MonitorEngine({ clock, log: pino({ level: 'silent' }), store, source: metrics });

/** Baseline: every point of every monitor's 5-minute window, read and summed. */
function readPoints(atMs: number): number {
  let sum = 0;
  const to = atMs / 1000;
  for (let m = 0; m < MONITORS; m++) {
    for (const s of metrics.series(`bench.m${m}`, to - 300, to)) {
      for (let i = 0; i < s.values.length; i++) sum += s.values[i] as number;
    }
  }
  return sum;
}

engine.runCycle(T0); // warm-up: compiles the monitors, first state writes
readPoints(T0);
const cycleMs: number[] = [];
const readMs: number[] = [];
// CPU time too: on a shared 2-core machine the wall clock also measures the neighbours.
const cycleCpuMs: number[] = [];
const readCpuMs: number[] = [];
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
let evaluated = 0;
let notifications = 0;
for (let c = 1; c <= CYCLES; c++) {
  const at = T0 + c * 60_000;
  let start = performance.now();
  let cpu = process.cpuUsage();
  readPoints(at);
  readMs.push(performance.now() - start);
  readCpuMs.push(cpuMs(cpu));
  start = performance.now();
  cpu = process.cpuUsage();
  const report = engine.runCycle(at);
  cycleMs.push(performance.now() - start);
  cycleCpuMs.push(cpuMs(cpu));
  evaluated = report.evaluated;
  notifications += report.notifications.length;
}
await engine.close();
store.close();
rmSync(dataDir, { recursive: true, force: true });

const cycle = median(cycleMs);
const read = median(readMs);
const result = {
  name: 'monitor engine cycle',
  monitors: MONITORS,
  series_per_monitor: HOSTS,
  points_per_window: 30 * HOSTS,
  evaluated_per_cycle: evaluated,
  notifications_in_run: notifications,
  cycle_ms_median: Math.round(cycle * 10) / 10,
  read_points_ms_median: Math.round(read * 100) / 100,
  cycle_vs_read_ratio: Math.round((cycle / read) * 10) / 10,
  cycle_cpu_ms_median: Math.round(median(cycleCpuMs) * 10) / 10,
  read_points_cpu_ms_median: Math.round(median(readCpuMs) * 100) / 100,
  cycle_vs_read_cpu_ratio: Math.round((median(cycleCpuMs) / Math.max(0.01, median(readCpuMs))) * 10) / 10,
  load_average_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  target_cycle_ms: 200,
  meets_target: cycle <= 200,
  cycles: CYCLES,
  node: process.version,
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/engine.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

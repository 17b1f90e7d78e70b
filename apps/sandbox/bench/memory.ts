// Memory: RSS of a running sandbox holding 24 h of the demo's metrics at 10 s resolution and
// 100,000 spans from real dd-trace payloads, against the same sandbox just started (same run).
// Budget: 150 MB. Run as `pnpm bench:memory`: the process runs with the node flags and the
// environment of `pnpm sandbox` (checked below against package.json) plus --expose-gc, so the
// sandbox measured here is configured as the one a user starts.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@dd-challenge/config';
import { Checkpoint } from '../src/backend/metrics/checkpoint.ts';
import { newSketch } from '../src/backend/metrics/sketch.ts';
import { normalizeTags } from '../src/backend/metrics/store.ts';
import { startSandbox } from '../src/sandbox.ts';

// `pnpm sandbox` is `NAME=value ... node --flag ... src/main.ts`: this run must have the same.
const sandboxScript = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts.sandbox as string;
const words = sandboxScript.split(/\s+/);
const launch = {
  env: words.filter((w) => /^[A-Z_]+=/.test(w)),
  flags: words.filter((w) => w.startsWith('--')),
};
const missing = [
  ...launch.env.filter((kv) => process.env[kv.split('=')[0] as string] !== kv.slice(kv.indexOf('=') + 1)),
  ...launch.flags.filter((f) => !process.execArgv.includes(f)),
];
if (missing.length > 0 || !process.execArgv.includes('--expose-gc')) {
  throw new Error(
    `run as the sandbox runs (\`${sandboxScript}\`) plus --expose-gc; missing here: ${missing.join(' ') || '--expose-gc'}`,
  );
}
// The first start after an install or an edit type-strips modules (the stripper then stays
// loaded, ~18 MB); every later start finds them in the compile cache (NODE_COMPILE_CACHE). The
// bench measures a later start: this process has loaded every module and written the cache; the
// measured run is its child, started the same way.
if (process.env.BENCH_MEMORY_MEASURED === undefined) {
  module.flushCompileCache?.();
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_MEMORY_MEASURED: '1' },
  });
  process.exit(0);
}
/** Node's list of its internal modules loaded (undocumented): the stripper is among them when used. */
const stripped = () =>
  ((process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? []).some((m) =>
    m.includes('amaro'),
  );
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const loadAtStart = load();

const CAPTURE = fileURLToPath(new URL('./capture-traces.ts', import.meta.url));
const SENDER = fileURLToPath(new URL('./fixtures/http-sender.mjs', import.meta.url));

const BUDGET_MB = 150;
const gc = (globalThis as unknown as { gc: () => void }).gc;
const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));
const rssMb = () => {
  gc();
  gc();
  return mb(process.memoryUsage().rss);
};
/** RSS and where it is: the JS heap in use, and typed-array memory outside it. */
/** A field of /proc/self/status in MB (Linux; undefined elsewhere). */
const status = (field: string): number | undefined => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? mb(Number(m[1]) * 1024) : undefined;
  } catch {
    return undefined;
  }
};
/**
 * RSS and where it is: the JS heap in use, typed-array memory outside it, and the RSS split into
 * private memory (anon) and pages of files (file: mostly the node binary's code, shared and
 * clean).
 */
const usage = () => {
  const rss = rssMb();
  const u = process.memoryUsage();
  return {
    rss,
    rss_anon: status('RssAnon'),
    rss_file: status('RssFile'),
    heap_used: mb(u.heapUsed),
    /** V8 heap pages held (used or not): the part of the RSS the JS heap accounts for. */
    heap_total: mb(u.heapTotal),
    array_buffers: mb(u.arrayBuffers),
  };
};

const work = mkdtempSync(join(tmpdir(), 'bench-memory-'));
// Captured in a child process, read back from files: the capture's own garbage is not measured.
execFileSync(process.execPath, ['--conditions=@dd-challenge/source', CAPTURE, join(work, 'payloads'), '2'], {
  stdio: 'inherit',
});
// Paths only: each payload is read when replayed, so the bench's own input is not in the RSS.
const payloads = readdirSync(join(work, 'payloads'))
  .sort()
  .map((f) => join(work, 'payloads', f));
if (payloads.length === 0) throw new Error('dd-trace sent no payload');
const stamp = (what: string) => process.stderr.write(`${new Date().toISOString()} ${what}\n`);
stamp(`captured ${payloads.length} payloads`);
const config = loadConfig({ env: { LOG_LEVEL: 'silent' }, envFile: false });
const sandbox = await startSandbox({
  config,
  dataDir: join(work, 'data'),
  hostname: 'bench-host',
  ports: { api: 0, dogstatsd: 0, traces: 0 },
});
const ctx = sandbox.context;
const baseline = usage();

// The demo's series (README "What the demo sends"): my_metric, the host check, the postgres
// check on two databases, traced-api's trace metrics per resource and status, runtime metrics.
const plain: Array<{ metric: string; tags: string[]; type: 'gauge' | 'rate' | 'count' }> = [];
const host = 'host:bench-host';
plain.push({ metric: 'my_metric', tags: [host, 'env:dev', 'service:metric-emitter'], type: 'gauge' });
for (const m of [
  'cpu.user',
  'cpu.system',
  'cpu.idle',
  'mem.total',
  'mem.used',
  'mem.free',
  'load.1',
  'load.5',
  'load.15',
  'load.norm.1',
  'load.norm.5',
  'load.norm.15',
]) {
  plain.push({ metric: `system.${m}`, tags: [host, 'role:database', 'mytag'], type: 'gauge' });
}
for (const db of ['app', 'postgres']) {
  for (const m of [
    'connections',
    'rows_fetched',
    'rows_returned',
    'rows_inserted',
    'rows_updated',
    'rows_deleted',
    'commits',
    'rollbacks',
    'deadlocks',
  ]) {
    plain.push({
      metric: `postgresql.${m}`,
      tags: [host, `db:${db}`, 'service:postgres'],
      type: m === 'connections' ? 'gauge' : 'rate',
    });
  }
}
const resources = [
  'GET /',
  'GET /api/apm',
  'GET /api/trace',
  'GET /api/notes',
  'POST /api/notes',
  'GET /api/notes/:id',
  'DELETE /api/notes/:id',
  'GET /healthz',
];
const dists: string[][] = [];
for (const r of resources) {
  for (const status of ['200', '404']) {
    const tags = [host, 'env:dev', 'service:traced-api', `resource_name:${r}`, `http.status_code:${status}`];
    for (const m of ['hits', 'errors'])
      plain.push({ metric: `trace.fastify.request.${m}`, tags, type: 'count' });
    plain.push({ metric: 'trace.fastify.request.duration', tags, type: 'gauge' });
    dists.push(tags);
  }
}
for (let i = 0; i < 30; i++)
  plain.push({
    metric: `runtime.node.metric_${i}`,
    tags: [host, 'env:dev', 'service:traced-api'],
    type: 'gauge',
  });

const store = ctx.metrics.store;
store.attachJournal(undefined); // filling 24 h at once: the journal is not what is measured
const now = Math.floor(Date.now() / 10_000) * 10;
const mapping = newSketch().mapping;
const distTags = dists.map(normalizeTags);
const POINTS = 8640; // 24 h at 10 s
const series = plain.map((s) => ({ ...s, tags: normalizeTags(s.tags) }));
for (let i = POINTS; i > 0; i--) {
  const t = now - i * 10;
  for (const s of series) store.addPoint(s.metric, s.tags, s.type, 10, t, Math.random() * 100, 'replace');
  for (const tags of distTags) {
    // 20 latencies a bucket, binned by the sketch's own mapping (no DDSketch per bucket here,
    // so the figure is the store's, not this generator's garbage).
    const bins = new Map<number, number>();
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let k = 0; k < 20; k++) {
      const v = 0.002 + Math.random() * Math.random() * 0.5;
      const key = mapping.key(v);
      bins.set(key, (bins.get(key) ?? 0) + 1);
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const keys = [...bins.keys()].sort((a, b) => a - b);
    store.addSketch('trace.fastify.request', tags, t, {
      keys,
      counts: keys.map((k) => bins.get(k) as number),
      negKeys: [],
      negCounts: [],
      zeroCount: 0,
      count: 20,
      sum,
      min,
      max,
    });
  }
}
const afterMetrics = usage();
stamp(`metrics filled: ${afterMetrics.rss} MB`);

// The spans arrive as dd-trace sends them: the captured payloads (2 s of a real tracer, over
// 100,000 distinct spans) PUT once each to the sandbox's trace intake by a sender in its own
// process, so the intake's own work (body buffers, decode into columns) is what is measured.
const sent = JSON.parse(
  await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [SENDER, sandbox.traceUrl, join(work, 'payloads'), 'once', '1'],
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  }),
) as { requests: number; failures: number };
if (sent.failures > 0 || sent.requests !== payloads.length)
  throw new Error(`trace sender: ${JSON.stringify(sent)} of ${payloads.length} payloads`);
if (ctx.traces.spanCount < 99_000) throw new Error(`only ${ctx.traces.spanCount} spans stored`);
stamp(`spans stored: ${ctx.traces.spanCount}`);
const afterBurst = usage();
// Then as the sandbox sits after a burst: the trace intake keeps its request buffers for 10 s
// without requests (POOL_IDLE_MS) to reuse them, then lets them go.
await new Promise((r) => setTimeout(r, 11_000));
const full = usage();
// What the running sandbox also does every 10 min (Metrics.tick) and at stop: write the
// checkpoint snapshot of the whole store. Reported beside the stages, not one of them.
new Checkpoint(join(work, 'snapshot')).snapshot(store);
const afterSnapshot = usage();
const peakRss = mb(process.resourceUsage().maxRSS * 1024);
await sandbox.close();
rmSync(work, { recursive: true, force: true });

const result = {
  benchmark: 'memory',
  metrics: {
    plain_series: series.length,
    distribution_series: dists.length,
    points_per_series: POINTS,
    points: (series.length + dists.length) * POINTS,
  },
  spans: ctx.traces.spanCount,
  mb: {
    sandbox_started: baseline,
    with_24h_metrics: afterMetrics,
    right_after_the_spans_burst: afterBurst,
    with_metrics_and_spans: full,
    then_after_a_checkpoint_snapshot: afterSnapshot,
    peak_rss: peakRss,
  },
  agent_data_mb: Number((full.rss - baseline.rss).toFixed(1)),
  budget_mb: BUDGET_MB,
  launched_as: { env: launch.env, flags: [...launch.flags, '--expose-gc'] },
  compile_cache: stripped() ? 'cold (modules type-stripped in this run)' : 'warm',
  load_average: { start: loadAtStart, end: load() },
  ratio_to_budget: Number((full.rss / BUDGET_MB).toFixed(3)),
  growth_vs_started: Number((full.rss / baseline.rss).toFixed(3)),
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/memory.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

// Memory: RSS of a running sandbox holding 24 h of the demo's metrics at 10 s resolution and
// 100,000 spans from real dd-trace payloads, against the same sandbox just started (same run).
// Run with --expose-gc. Budget: 150 MB.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@dd-challenge/config';
import { decodeV04 } from '../src/intake/trace-decode.ts';
import { newSketch } from '../src/metrics/sketch.ts';
import { normalizeTags } from '../src/metrics/store.ts';
import { startSandbox } from '../src/sandbox.ts';

const CAPTURE = fileURLToPath(new URL('./capture-traces.ts', import.meta.url));

const BUDGET_MB = 150;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));
const rssMb = () => {
  gc();
  gc();
  return mb(process.memoryUsage().rss);
};
/** RSS and where it is: the JS heap in use, and typed-array memory outside it. */
const usage = () => {
  const rss = rssMb();
  const u = process.memoryUsage();
  return { rss, heap_used: mb(u.heapUsed), array_buffers: mb(u.arrayBuffers) };
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

// The payloads are replayed with a round number in the trace ids, so each round stores new
// traces (the same ids would merge into ever larger traces).
let round = 0;
let added = 0;
while (added < 100_000) {
  for (const p of payloads) {
    for (const trace of decodeV04(readFileSync(p))) {
      ctx.traces.add(
        trace.map((s) => ({ ...s, trace_id: `${s.trace_id}${round}` })),
        Date.now(),
      );
      added += trace.length;
    }
    if (added >= 100_000) break;
  }
  round++;
  if (round % 10 === 0) stamp(`round ${round}: ${ctx.traces.spanCount} spans, rss ${rssMb()} MB`);
}
const full = usage();
stamp('spans stored');
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
  mb: { sandbox_started: baseline, with_24h_metrics: afterMetrics, with_metrics_and_spans: full },
  agent_data_mb: Number((full.rss - baseline.rss).toFixed(1)),
  budget_mb: BUDGET_MB,
  ratio_to_budget: Number((full.rss / BUDGET_MB).toFixed(3)),
  growth_vs_started: Number((full.rss / baseline.rss).toFixed(3)),
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/memory.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

// Memory: RSS of a running sandbox holding 24 h of the demo's metrics at 10 s resolution and
// 100,000 spans from real dd-trace payloads, against the same sandbox just started (same run).
// Run with --expose-gc. Budget: 150 MB.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dd-challenge/config';
import { decodeV04 } from '../src/intake/trace-decode.ts';
import { compactSketch, newSketch } from '../src/metrics/sketch.ts';
import { normalizeTags } from '../src/metrics/store.ts';
import { startSandbox } from '../src/sandbox.ts';
import { captureDdTracePayloads } from './capture-traces.ts';

const BUDGET_MB = 150;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rssMb = () => {
  gc();
  gc();
  return Number((process.memoryUsage().rss / 1024 / 1024).toFixed(1));
};

const work = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const payloads = await captureDdTracePayloads(join(work, 'payloads'), 2);
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
const baseline = rssMb();

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
const POINTS = 8640; // 24 h at 10 s
const series = plain.map((s) => ({ ...s, tags: normalizeTags(s.tags) }));
for (let i = POINTS; i > 0; i--) {
  const t = now - i * 10;
  for (const s of series) store.addPoint(s.metric, s.tags, s.type, 10, t, Math.random() * 100, 'replace');
  for (const tags of dists) {
    const sk = newSketch();
    for (let k = 0; k < 20; k++) sk.accept(0.002 + Math.random() * Math.random() * 0.5);
    store.addSketch('trace.fastify.request', normalizeTags(tags), t, compactSketch(sk));
  }
}
const afterMetrics = rssMb();
stamp(`metrics filled: ${afterMetrics} MB`);

// The payloads are replayed with a round number in the trace ids, so each round stores new
// traces (the same ids would merge into ever larger traces).
let round = 0;
let added = 0;
while (added < 100_000) {
  for (const p of payloads) {
    for (const trace of decodeV04(p.body)) {
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
const full = rssMb();
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
  rss_mb: { sandbox_started: baseline, with_24h_metrics: afterMetrics, with_metrics_and_spans: full },
  budget_mb: BUDGET_MB,
  ratio_to_budget: Number((full / BUDGET_MB).toFixed(3)),
  growth_vs_started: Number((full / baseline).toFixed(3)),
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/memory.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

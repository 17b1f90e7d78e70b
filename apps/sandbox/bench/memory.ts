// Memory: RSS of a sandbox (its own process, started as `pnpm sandbox`) holding 24 h of the
// demo's metrics at 10 s resolution and 100,000 spans from real dd-trace payloads. Both arrive
// faster than the demo sends them but in the demo's shape: the metrics an hour of one series per
// series API request, the spans in dd-trace's own payloads at 2,000 traces/s. Budget: 150 MB.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureDdTracePayloads } from './capture-traces.ts';
import { demoSeries } from './demo-series.ts';
import { report, round, sleep, startSandboxProcess } from './support.ts';

const BUDGET_MB = 150;
const POINTS = 8640; // 24 h at 10 s
const POINTS_PER_REQUEST = 360; // an hour
const SPANS = 100_000;
const TRACES_PER_SECOND = 2000;

/** The RSS as the kernel splits it: node's binary and libraries (file), all that is allocated (anon). */
function rssParts(pid: number): { file_mb: number; anon_mb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { file_mb: round(kb('RssFile') / 1024), anon_mb: round(kb('RssAnon') / 1024) };
}

const work = mkdtempSync(join(tmpdir(), 'bench-memory-'));
// dd-trace's traces here have 3 spans: SPANS / 3 traces, and a second more for its last flush.
const captureSeconds = Math.ceil(SPANS / 3 / TRACES_PER_SECOND) + 1;
const captured = await captureDdTracePayloads(join(work, 'payloads'), captureSeconds, TRACES_PER_SECOND);
const sandbox = await startSandboxProcess();
try {
  await sleep(2000);
  const started = sandbox.rssMb();
  const startedParts = rssParts(sandbox.pid);
  const series = demoSeries();
  const now = Math.floor(Date.now() / 10_000) * 10;
  for (let from = 0; from < POINTS; from += POINTS_PER_REQUEST) {
    for (const s of series) {
      const points = Array.from({ length: POINTS_PER_REQUEST }, (_, i) => ({
        timestamp: now - (POINTS - from - i) * 10,
        value: Math.random() * 100,
      }));
      await sandbox.post('/api/v2/series', {
        series: [{ metric: s.metric, type: s.type, interval: 10, tags: s.tags, points }],
      });
    }
  }
  const withMetrics = sandbox.rssMb();
  const withMetricsParts = rssParts(sandbox.pid);
  let spans = 0;
  const start = performance.now();
  for (const p of captured) {
    if (spans >= SPANS) break;
    const wait = start + (spans / 3 / TRACES_PER_SECOND) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    const response = await fetch(`${sandbox.traceUrl}/v0.4/traces`, {
      method: 'PUT',
      headers: { 'content-type': 'application/msgpack' },
      body: p.body,
    });
    if (!response.ok) throw new Error(`trace intake answered ${response.status}`);
    await response.arrayBuffer();
    spans += p.spans;
  }
  const settling: number[] = [];
  for (let i = 0; i < 6; i++) {
    await sleep(5000);
    settling.push(sandbox.rssMb());
  }
  const full = settling[settling.length - 1] as number;
  const kept = await sandbox.get<{ traces_kept: { spans: number } }>('/sandbox/intake');
  report('memory', {
    target: `RSS <= ${BUDGET_MB} MB with 24 h of the demo's metrics and 100,000 spans`,
    series: series.length,
    points: series.length * POINTS,
    payloads: captured.length,
    spans_sent: spans,
    spans_kept: kept.traces_kept.spans,
    rss_mb: {
      started,
      with_24h_metrics: withMetrics,
      every_5s_after_the_spans: settling,
      with_metrics_and_spans: full,
    },
    rss_split_mb: {
      started: startedParts,
      with_24h_metrics: withMetricsParts,
      with_metrics_and_spans: rssParts(sandbox.pid),
    },
    budget_mb: BUDGET_MB,
    ratio_to_budget: round(full / BUDGET_MB, 3),
    met: full <= BUDGET_MB,
  });
} finally {
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

// Memory: RSS of a sandbox (its own process, started as `pnpm sandbox`) holding 24 h of the
// demo's metrics at 10 s resolution, submitted through the series API, and 100,000 spans from
// real dd-trace payloads through the trace intake. Budget: 150 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureDdTracePayloads } from './capture-traces.ts';
import { demoSeries } from './demo-series.ts';
import { report, round, sleep, startSandboxProcess } from './support.ts';

const BUDGET_MB = 150;
const POINTS = 8640; // 24 h at 10 s
const SPANS = 100_000;

const work = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const captured = await captureDdTracePayloads(join(work, 'payloads'), 6);
const sandbox = await startSandboxProcess();
try {
  await sleep(2000);
  const started = sandbox.rssMb();
  const series = demoSeries();
  const now = Math.floor(Date.now() / 10_000) * 10;
  for (const s of series) {
    const points = Array.from({ length: POINTS }, (_, i) => ({
      timestamp: now - (POINTS - i) * 10,
      value: Math.random() * 100,
    }));
    await sandbox.post('/api/v2/series', {
      series: [{ metric: s.metric, type: s.type, interval: 10, tags: s.tags, points }],
    });
  }
  const withMetrics = sandbox.rssMb();
  let spans = 0;
  for (const p of captured) {
    if (spans >= SPANS) break;
    const response = await fetch(`${sandbox.traceUrl}/v0.4/traces`, {
      method: 'PUT',
      headers: { 'content-type': 'application/msgpack' },
      body: p.body,
    });
    if (!response.ok) throw new Error(`trace intake answered ${response.status}`);
    spans += p.spans;
  }
  await sleep(11_000); // a bucket of trace metrics closes and is written
  const full = sandbox.rssMb();
  const kept = await sandbox.get<{ traces_kept: { spans: number } }>('/sandbox/intake');
  report('memory', {
    target: `RSS <= ${BUDGET_MB} MB with 24 h of the demo's metrics and 100,000 spans`,
    series: series.length,
    points: series.length * POINTS,
    spans_sent: spans,
    spans_kept: kept.traces_kept.spans,
    rss_mb: { started, with_24h_metrics: withMetrics, with_metrics_and_spans: full },
    budget_mb: BUDGET_MB,
    ratio_to_budget: round(full / BUDGET_MB, 3),
    met: full <= BUDGET_MB,
  });
} finally {
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

// Trace intake throughput: spans per second decoded, indexed and turned into trace metrics by
// the sandbox's trace server, from real dd-trace payloads, against an HTTP receiver that only
// reads the bytes; same run, same sender process.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { IntakeBus } from '../src/agent/dogstatsd/events.ts';
import { DogStatsDParser } from '../src/agent/dogstatsd/parser.ts';
import { IntakeStats } from '../src/agent/stats.ts';
import { startTraceServer } from '../src/agent/traces/server.ts';
import { TraceStore } from '../src/agent/traces/store.ts';
import { TraceMetrics } from '../src/agent/traces/trace-metrics.ts';
import { HostRegistry } from '../src/backend/hosts.ts';
import { Metrics } from '../src/backend/metrics/metrics.ts';
import { captureDdTracePayloads } from './capture-traces.ts';

const SENDER = fileURLToPath(new URL('./fixtures/http-sender.mjs', import.meta.url));
const SECONDS = 4;
const CONCURRENCY = 4;

const work = mkdtempSync(join(tmpdir(), 'bench-traces-'));
const payloadDir = join(work, 'payloads');
const payloads = await captureDdTracePayloads(payloadDir, 2);
const spansPerRound = payloads.reduce((n, p) => n + p.spans, 0);

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

function send(url: string): Promise<{ requests: number; failures: number; seconds: number }> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [SENDER, url, payloadDir, String(SECONDS), String(CONCURRENCY)],
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
    ),
  );
}

// Baseline: reads every byte of the body and answers what the trace-agent answers.
const readOnly = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c: Buffer) => {
    bytes += c.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`{"rate_by_service":{"service:,env:":1},"bytes":${bytes}}`);
  });
});
await new Promise<void>((r) => readOnly.listen(0, '127.0.0.1', () => r()));
// CPU time of this process (the receivers; the sender is a child): on a shared machine spans per
// CPU-second vary less than spans per wall second.
let cpu0 = process.cpuUsage();
const base = await send(`http://127.0.0.1:${(readOnly.address() as AddressInfo).port}`);
const baseCpu = cpuSeconds(process.cpuUsage(cpu0));
readOnly.close();
// Payloads go round-robin: the spans of a request are the span count of its payload.
const spansOf = (requests: number) => {
  let n = 0;
  for (let i = 0; i < requests; i++) n += (payloads[i % payloads.length] as { spans: number }).spans;
  return n;
};
const baseSpans = spansOf(base.requests);

const hosts = new HostRegistry('bench-host', []);
const metrics = new Metrics({ dataDir: join(work, 'data'), retentionMs: 86_400_000, hosts });
const log = pino({ level: 'silent' });
metrics.open({ now: () => Date.now() }, log);
const stats = new IntakeStats();
const traces = new TraceStore(100_000);
const parser = new DogStatsDParser({
  aggregator: metrics.aggregator,
  store: metrics.store,
  hosts,
  stats,
  bus: new IntakeBus(),
  clock: { now: () => Date.now() },
});
const server = await startTraceServer('127.0.0.1', 0, {
  traces,
  traceMetrics: new TraceMetrics(metrics, { now: () => Date.now() }, 'bench'),
  parser,
  stats,
  clock: { now: () => Date.now() },
  log,
  env: 'bench',
  dogstatsdPort: 0,
});
cpu0 = process.cpuUsage();
const ours = await send(server.url);
const oursCpu = cpuSeconds(process.cpuUsage(cpu0));
await server.close();
metrics.close();

const result = {
  benchmark: 'traces',
  payloads: {
    from: 'dd-trace (real tracer) via bench/fixtures/trace-burst.mjs',
    count: payloads.length,
    spans: spansPerRound,
    bytes: payloads.reduce((n, p) => n + p.body.length, 0),
  },
  seconds_per_run: SECONDS,
  concurrency: CONCURRENCY,
  read_only_receiver: {
    requests: base.requests,
    spans_per_second: Math.round(baseSpans / base.seconds),
    cpu_seconds: Number(baseCpu.toFixed(2)),
    spans_per_cpu_second: Math.round(baseSpans / baseCpu),
  },
  sandbox: {
    requests: ours.requests,
    failures: ours.failures,
    spans_decoded: stats.spans,
    spans_per_second: Math.round(stats.spans / ours.seconds),
    cpu_seconds: Number(oursCpu.toFixed(2)),
    spans_per_cpu_second: Math.round(stats.spans / oursCpu),
    spans_kept: traces.spanCount,
    trace_metric_points: metrics.store.pointsWritten,
  },
  ratio_vs_read_only: Number((stats.spans / ours.seconds / (baseSpans / base.seconds)).toFixed(3)),
  target_spans_per_second: 200_000,
  load_average: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(2))),
};
rmSync(work, { recursive: true, force: true });
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/traces.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));

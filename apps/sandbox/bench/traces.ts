// Traces from real dd-trace payloads at 20,000 spans/s: dd-trace's own /v0.4/traces bodies are
// captured first, then PUT to a sandbox in its own process, paced, each body once. Every span
// sent must be counted by the intake and kept by the trace store: 0 dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '@msgpack/msgpack';
import { captureDdTracePayloads } from './capture-traces.ts';
import { report, round, type SandboxProcess, sleep, startSandboxProcess } from './support.ts';

const SPANS_PER_SECOND = 20_000;
const SECONDS = 4;

interface Intake {
  traces: { requests: number; spans: number };
  traces_kept: { spans: number; max_spans: number };
}

const work = mkdtempSync(join(tmpdir(), 'bench-traces-'));
// dd-trace makes spans as fast as it can; on a loaded machine it takes longer to make enough.
const captured = await captureDdTracePayloads(join(work, 'payloads'), 6);
const wanted = SPANS_PER_SECOND * SECONDS;
const payloads: typeof captured = [];
let spans = 0;
for (const p of captured) {
  if (spans >= wanted) break;
  payloads.push(p);
  spans += p.spans;
}
if (spans < wanted) throw new Error(`dd-trace sent ${spans} spans in 6 s; ${wanted} needed`);

async function send(sandbox: SandboxProcess, body: Buffer): Promise<boolean> {
  const response = await fetch(`${sandbox.traceUrl}/v0.4/traces`, {
    method: 'PUT',
    headers: { 'content-type': 'application/msgpack', 'x-datadog-trace-count': '1' },
    body,
  });
  await response.arrayBuffer();
  return response.ok;
}

const sandbox = await startSandboxProcess();
try {
  const before = await sandbox.get<Intake>('/sandbox/intake');
  const cpuBefore = sandbox.cpuSeconds();
  const start = performance.now();
  let sentSpans = 0;
  let failures = 0;
  const inFlight: Promise<void>[] = [];
  for (const p of payloads) {
    // Pace by spans: a body goes out when the spans before it are due.
    const due = start + (sentSpans / SPANS_PER_SECOND) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sentSpans += p.spans;
    inFlight.push(send(sandbox, p.body).then((ok) => void (ok || failures++)));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  const after = await sandbox.get<Intake>('/sandbox/intake');
  const counted = after.traces.spans - before.traces.spans;
  const kept = after.traces_kept.spans - before.traces_kept.spans;
  const max = after.traces_kept.max_spans;
  const largest = Math.max(
    ...payloads.map((p) =>
      Math.max(...(decode(p.body, { useBigInt64: true }) as unknown[][]).map((t) => t.length)),
    ),
  );
  report('traces', {
    target: `${SPANS_PER_SECOND} spans/s from real dd-trace payloads, 0 dropped`,
    payloads: payloads.length,
    spans_sent: sentSpans,
    spans_counted: counted,
    spans_kept: kept,
    max_spans_kept: after.traces_kept.max_spans,
    failed_requests: failures,
    spans_per_second: Math.round(sentSpans / seconds),
    sandbox_cpu_share_of_one_core: round((sandbox.cpuSeconds() - cpuBefore) / seconds, 3),
    // Past max_spans the store evicts whole traces, so it may keep a trace's worth fewer.
    met: failures === 0 && counted === sentSpans && kept <= max && kept >= Math.min(sentSpans, max) - largest,
  });
} finally {
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

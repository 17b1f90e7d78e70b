// DogStatsD at the rates the issue names, paced, against a sandbox in its own process:
// 100,000 lines/s in 8 KB packets, and 20,000 single-line packets/s. Each run counts the lines
// the sandbox says it received (/sandbox/intake) against the lines sent: lost must be 0.
// The lines are a service's: 200 metric names, each of one type (the six in turn), each with 5
// values of one tag, so 1,000 contexts. A service a developer tests sends tens to a few hundred
// names with a few low-cardinality tags (endpoint, status); a tag per user or request would be a
// cardinality bug, not a load to plan for. Each 10 s bucket then flushes 2,155 points and 165
// sketches, every one a series of its own.
import { createSocket } from 'node:dgram';
import { report, round, type SandboxProcess, sleep, startSandboxProcess } from './support.ts';

const SECONDS = 5;
const TYPES = ['c', 'g', 'ms', 'h', 'd', 's'] as const;
const NAMES = 200;
const TAG_VALUES = 5;

/** Line i: name i % 200 with its type, a value, and tag value (i / 200) % 5 beside two fixed tags. */
function line(i: number): string {
  const name = i % NAMES;
  const type = TYPES[name % TYPES.length] as string;
  const value = type === 's' ? `user${i % 97}` : String((i % 1000) / 10);
  const shard = Math.floor(i / NAMES) % TAG_VALUES;
  return `bench.metric.${name}:${value}|${type}|#env:bench,shard:${shard},service:bench`;
}

/** Packets of up to `bytes` bytes, each holding whole lines joined by newlines. */
function packets(lines: number, bytes: number, from: number): Buffer[] {
  const out: Buffer[] = [];
  let current: string[] = [];
  let size = 0;
  for (let i = from; i < from + lines; i++) {
    const l = line(i);
    if (size + l.length + 1 > bytes && current.length > 0) {
      out.push(Buffer.from(current.join('\n')));
      current = [];
      size = 0;
    }
    current.push(l);
    size += l.length + 1;
  }
  if (current.length > 0) out.push(Buffer.from(current.join('\n')));
  return out;
}

const linesSeen = async (sandbox: SandboxProcess) =>
  (await sandbox.get<{ dogstatsd: { lines: number } }>('/sandbox/intake')).dogstatsd.lines;

/** Sends `linesPerSecond` for SECONDS in 10 ms slices; the packets are built before the clock starts. */
async function pacedRun(sandbox: SandboxProcess, name: string, linesPerSecond: number, packetBytes: number) {
  const total = linesPerSecond * SECONDS;
  const all = packets(total, packetBytes, 0);
  const socket = createSocket('udp4');
  const before = await linesSeen(sandbox);
  const cpuBefore = sandbox.cpuSeconds();
  const start = performance.now();
  const slices = SECONDS * 100;
  let sent = 0;
  for (let slice = 0; slice < slices; slice++) {
    const due = Math.round(((slice + 1) * all.length) / slices);
    while (sent < due) {
      const packet = all[sent++] as Buffer;
      await new Promise<void>((resolve, reject) =>
        socket.send(packet, sandbox.dogstatsdPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    }
    const wait = start + (slice + 1) * 10 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const sendSeconds = (performance.now() - start) / 1000;
  // The sandbox reads what is queued in its socket buffer: wait until its count stops moving.
  let received = (await linesSeen(sandbox)) - before;
  for (let still = 0; still < 3 && received < total; ) {
    await sleep(250);
    const now = (await linesSeen(sandbox)) - before;
    still = now === received ? still + 1 : 0;
    received = now;
  }
  socket.close();
  return {
    run: name,
    packets: all.length,
    lines_sent: total,
    lines_received: received,
    lines_lost: total - received,
    sent_lines_per_second: Math.round(total / sendSeconds),
    sandbox_cpu_seconds: round(sandbox.cpuSeconds() - cpuBefore, 2),
    sandbox_cpu_share_of_one_core: round((sandbox.cpuSeconds() - cpuBefore) / sendSeconds, 3),
  };
}

const sandbox = await startSandboxProcess();
try {
  const runs = [
    await pacedRun(sandbox, '100,000 lines/s in 8 KB packets', 100_000, 8192),
    await pacedRun(sandbox, '20,000 single-line packets/s', 20_000, 1),
  ];
  report('dogstatsd', {
    target: '0 lines lost in each run',
    seconds_per_run: SECONDS,
    runs,
    met: runs.every((r) => r.lines_lost === 0),
  });
} finally {
  await sandbox.stop();
}

// The native listener pre-parses lines of learnt shapes (native/dogstatsd_preparse.c); the JS
// parser stays the definition of what a line means. Differential test: the same datagrams, over
// real UDP, to the native listener and to the main-thread receiver (JS parser only); every
// counter, every error reason, every event and service check, and every point and sketch
// written at the flush must be the same, in the same order.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { UdpReceiverKind } from '../src/agent/dogstatsd/server.ts';
import { ManualClock } from '../src/clock.ts';
import { random } from '../src/console/seed.ts';
import { dogstatsdRig } from './dogstatsd-rig.ts';
import { until } from './helpers.ts';

const BUCKET = 1_795_000_300;
const SPECIAL = [...'|:#@,\n\r_{}T.-+e'].map((c) => c.charCodeAt(0));

/** Datagrams of lines: mostly repeating shapes (so the native path learns them), and the rest. */
function corpus(seed: number, datagrams: number): Buffer[] {
  const rand = random(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const shapes: string[] = [];
  for (let k = 0; k < 300; k++) {
    const kind = pick(['c', 'g', 'ms', 'h', 'd', 's', 'c', 'g', 'd', 'h']);
    const fields = [kind];
    if (rand() < 0.2) fields.push(pick(['@0.5', '@1', '@0.25', '@0.1', '@2', '@0', '@x']));
    if (rand() < 0.8) fields.push(`#env:diff,k:${k % 17}${rand() < 0.2 ? ',host:other-host' : ''}`);
    if (rand() < 0.1) fields.push('c:container-1');
    if (rand() < 0.05) fields.push('T1795000100');
    shapes.push(`diff.m${k % 120}:{v}|${fields.join('|')}${rand() < 0.05 ? '\r' : ''}`);
  }
  const value = (): string => {
    const r = rand();
    if (r < 0.5) return String(Math.floor(rand() * 1000));
    if (r < 0.75) return (rand() * 100 - 20).toFixed(Math.floor(rand() * 6));
    if (r < 0.8) return pick(['+3', '-0', '1.', '.5', '007', '123456789012345', '1234567890123456']);
    if (r < 0.85) return `${Math.floor(rand() * 9)}:${Math.floor(rand() * 9)}`;
    if (r < 0.9) return pick(['1e3', '2E-2', 'inf', '-Inf', 'nan', '', 'abc', '1..2', '--1', '1-']);
    // 1-11 characters, mostly digits and dots: the listener reads values of up to 8 bytes as one word
    if (r < 0.95)
      return Array.from({ length: 1 + Math.floor(rand() * 11) }, () =>
        pick([...'0123456789012345678..+-x']),
      ).join('');
    return `m${Math.floor(rand() * 50)}`;
  };
  const mutated = (line: string): string => {
    const out = [...Buffer.from(line)];
    for (let e = 1 + Math.floor(rand() * 3); e > 0; e--) {
      const at = Math.floor(rand() * (out.length + 1));
      const op = rand();
      if (op < 0.3) out.splice(at, 1);
      else if (op < 0.7) out.splice(at, 0, pick(SPECIAL));
      else out[at] = Math.floor(rand() * 256);
    }
    return Buffer.from(out).toString('latin1');
  };
  const out: Buffer[] = [];
  for (let d = 0; d < datagrams; d++) {
    const lines: string[] = [];
    for (let n = 1 + Math.floor(rand() * 40); n > 0; n--) {
      const r = rand();
      const line = pick(shapes).replace('{v}', value());
      if (r < 0.8) lines.push(line);
      else if (r < 0.9) lines.push(mutated(line));
      else if (r < 0.93) lines.push(pick(['', '\r', ':', '|', 'a:1', 'a:1|', ':1|c']));
      else if (r < 0.96) lines.push('_e{5,4}:title|text|d:1795000000|h:host|p:low|t:error|#e:f');
      else lines.push(`_sc|diff.check|${Math.floor(rand() * 5)}|#t:u|m:message`);
    }
    out.push(Buffer.from(lines.join('\n'), 'latin1'));
  }
  return out;
}

/** Datagrams sent at a clock `seconds` after the start, then a flush. */
interface Phase {
  readonly seconds: number;
  readonly datagrams: readonly Buffer[];
}

async function run(
  receiver: UdpReceiverKind,
  phases: readonly Phase[],
  options: { ringBytes?: number; nativeShapes?: number } = {},
) {
  const start = (BUCKET + 2) * 1000;
  const clock = new ManualClock(start);
  // contexts idle 20 s are forgotten (the Agent's default is 300 s): a phase can outlive them
  const { store, aggregator, stats, bus, hosts, parser, listen } = dogstatsdRig({
    clock,
    host: 'diff-host',
    tags: ['role:diff'],
    aggregator: { idleSeconds: 20 },
  });
  const writes: unknown[] = [];
  store.attachJournal({
    point: (...args) => writes.push(['point', ...args]),
    sketch: (metric, tags, time, sk) =>
      writes.push([
        'sketch',
        metric,
        tags,
        time,
        Array.from(sk.keys),
        Array.from(sk.counts),
        sk.count,
        sk.sum,
      ]),
  });
  const seen: unknown[] = [];
  bus.onEvent((e) => seen.push(['event', e]));
  bus.onServiceCheck((c) => seen.push(['check', c]));
  const contexts: number[] = [];
  const server = await listen({
    receiver,
    ...options,
  });
  expect(server.receiver).toBe(receiver);
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.connect(server.port, '127.0.0.1', resolve));
  let sent = 0;
  try {
    for (const phase of phases) {
      clock.set(start + phase.seconds * 1000);
      const { datagrams } = phase;
      for (let i = 0; i < datagrams.length; i++) {
        sock.send(datagrams[i] as Buffer);
        sent++;
        // flow control: loopback UDP drops what does not fit the socket buffer
        if (i % 200 === 199) await until(() => stats.packets >= sent - 200, 10_000, 'packets');
      }
      await until(() => stats.packets >= sent, 10_000, 'every datagram');
      // the sandbox's flush timer moves the aggregator to the clock's bucket even with no packet
      aggregator.advance(clock.now());
      aggregator.flush();
      contexts.push(aggregator.contexts);
    }
  } finally {
    sock.close();
    await server.close();
  }
  const counters = stats.toJSON();
  return {
    counters: { ...counters, listeners: undefined },
    writes,
    seen,
    hosts: hosts.list(),
    contexts,
    epoch: parser.nativeEpoch,
  };
}

describe('native DogStatsD listener against the JS parser', () => {
  const datagrams = corpus(20261128, 6000);

  it.each([
    // ~half the lines are pre-parsed (the rest: sets, |T, odd values, bad lines, events)
    { name: 'defaults', options: {}, preparsed: 0.4, resets: 0 },
    // a 64 KiB ring (big datagrams' records do not fit half of it: sent raw) and a shape table
    // that starts over every 64 shapes (REC_RESET, ids reused): few lines get pre-parsed
    {
      name: 'small ring, tiny shape table',
      options: { ringBytes: 65_536, nativeShapes: 64 },
      preparsed: 0,
      resets: 100,
    },
  ])(
    'same counters, errors, events and flushed points ($name)',
    async ({ options, preparsed, resets }) => {
      const js = await run('main', [{ seconds: 0, datagrams }]);
      const native = await run('native', [{ seconds: 0, datagrams }], options);
      // the corpus exercises what it means to
      expect(js.counters.dogstatsd.lines).toBeGreaterThan(100_000);
      expect(js.counters.error_count).toBeGreaterThan(1000);
      expect(js.counters.dogstatsd.events).toBeGreaterThan(1000);
      expect(js.writes.length).toBeGreaterThan(500);
      // most lines took the pre-parsed path (learnt shapes), none did in JS alone
      expect(native.counters.dogstatsd.preparsed_lines).toBeGreaterThan(
        js.counters.dogstatsd.lines * preparsed,
      );
      expect(native.epoch - 1).toBeGreaterThanOrEqual(resets);
      expect(js.counters.dogstatsd.preparsed_lines).toBe(0);
      native.counters.dogstatsd.preparsed_lines = 0;
      expect(native.counters).toEqual(js.counters);
      expect(native.seen).toEqual(js.seen);
      expect(native.writes).toEqual(js.writes);
      expect(native.hosts).toEqual(js.hosts);
    },
    120_000,
  );

  it('contexts forgotten while idle come back the same (learnt shapes of expired contexts)', async () => {
    const lines = Array.from(
      { length: 40 },
      (_, k) => `back.m${k % 8}:${k}|${['c', 'g', 'h', 'd', 'ms'][k % 5]}|#k:${k % 3},host:h${k % 2}`,
    );
    const burst = Array.from({ length: 50 }, (_, i) => Buffer.from(lines.slice(i % 7).join('\n')));
    // learnt and pre-parsed; then a quiet minute (the contexts expire); then the same lines again
    const phases = [
      { seconds: 0, datagrams: burst },
      { seconds: 30, datagrams: [] },
      { seconds: 60, datagrams: [] },
      { seconds: 90, datagrams: burst },
    ];
    const js = await run('main', phases);
    const native = await run('native', phases);
    expect(js.contexts[0]).toBeGreaterThan(20);
    expect(js.contexts[2]).toBe(0);
    // the second burst all pre-parsed (the first mostly not: the listener runs ahead of learning)
    expect(native.counters.dogstatsd.preparsed_lines).toBeGreaterThan(js.counters.dogstatsd.lines * 0.4);
    native.counters.dogstatsd.preparsed_lines = 0;
    expect(native.counters).toEqual(js.counters);
    expect(native.contexts).toEqual(js.contexts);
    expect(native.writes).toEqual(js.writes);
    expect(native.hosts).toEqual(js.hosts);
  }, 60_000);
});

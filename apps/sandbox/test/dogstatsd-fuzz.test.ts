import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DogStatsDIntake } from '../src/agent/dogstatsd/intake.ts';
import { ManualClock } from '../src/clock.ts';
import { random } from '../src/console/seed.ts';
import { testSandbox, until } from './helpers.ts';

const BUCKET = 1_795_000_100;

const TEMPLATES = [
  'mut.gauge:12.5|g|#a:b,c:d',
  'mut.count:1:2:3|c|@0.5|#x:y',
  'mut.hist:4|h|@0.1|T1795000000|c:abc',
  'mut.set:member|s',
  'mut.dist:1e3|d|#k:v',
  '_e{5,4}:title|text|d:1795000000|h:host|p:low|t:error|#e:f',
  '_sc|mut.check|2|d:1795000000|h:h|#t:u|m:message',
];
const SPECIAL = [...'|:#@,\n_{}T.-+e'].map((c) => c.charCodeAt(0));

function mutate(rand: () => number): Buffer {
  const kind = rand();
  if (kind < 0.2) {
    // pure random bytes, invalid UTF-8 included
    const b = Buffer.alloc(1 + Math.floor(rand() * 200));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
    return b;
  }
  const b = Buffer.from(TEMPLATES[Math.floor(rand() * TEMPLATES.length)] as string);
  const out = [...b];
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    const op = rand();
    if (op < 0.3) out.splice(at, 1);
    else if (op < 0.6) out.splice(at, 0, SPECIAL[Math.floor(rand() * SPECIAL.length)] as number);
    else if (op < 0.8) out[at] = Math.floor(rand() * 256);
    else out.length = at;
  }
  return Buffer.from(out);
}

describe('DogStatsD under random and mutated datagrams', () => {
  let t: Awaited<ReturnType<typeof testSandbox>>;
  beforeAll(async () => {
    t = await testSandbox({ clock: new ManualClock((BUCKET + 1) * 1000) });
  });
  afterAll(() => t.close());

  it('keeps every valid line, counts every bad one, never stops', async () => {
    // seeded (mulberry32) so a failure can be replayed
    const rand = random(20261128);
    const stats = t.ctx.intake.stats;
    // 100,000 datagrams straight to a DogStatsD intake on the sandbox's own aggregator (what
    // the UDP socket feeds), and 5,000 more through real UDP, which is slower to send.
    const intake = new DogStatsDIntake({
      aggregator: t.ctx.agent.dogstatsd,
      hosts: t.ctx.hosts,
      stats,
      bus: t.ctx.intake.bus,
      clock: t.ctx.clock,
    });
    const datagram = (i: number): Buffer =>
      i % 10 === 0 ? Buffer.from(`fuzz.ok:1|c|#run:fuzz,i:${i % 7}`) : mutate(rand);
    const DIRECT = 100_000;
    const UDP = 5_000;
    for (let i = 0; i < DIRECT; i++) intake.packet(datagram(i));
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.connect(t.sandbox.dogstatsd.port, '127.0.0.1', resolve));
    for (let i = 0; i < UDP; i++) {
      sock.send(datagram(i));
      // Flow control: loopback UDP drops when the receive buffer fills; stay within it.
      if (i % 200 === 0) {
        const deadline = Date.now() + 10_000;
        while (stats.packets < DIRECT + i - 50 && Date.now() < deadline)
          await new Promise((r) => setImmediate(r));
      }
    }
    await until(() => stats.packets >= DIRECT + UDP, 10_000, 'every datagram');
    sock.close();
    expect(stats.packets).toBe(DIRECT + UDP);
    t.ctx.agent.flush();
    let ok = 0;
    for (const s of t.ctx.metrics.series('fuzz.ok', BUCKET - 10, BUCKET + 10))
      for (const v of Array.from(s.values)) ok += v * 10;
    expect(Math.round(ok)).toBe((DIRECT + UDP) / 10);
    // Every line is accounted for: accepted as a metric, event or service check, or counted bad.
    expect(stats.lines).toBe(stats.metricLines + stats.events + stats.serviceChecks + stats.errorCount);
    expect(stats.errorCount).toBeGreaterThan(50_000);
    expect(stats.errors.get('internal parser error')).toBeUndefined();
    const res = await fetch(`${t.sandbox.apiUrl}/sandbox/intake`);
    const body = (await res.json()) as { errors: Record<string, number> };
    expect(Object.keys(body.errors).length).toBeGreaterThan(5);
  }, 60_000);
});

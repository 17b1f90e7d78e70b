import { createSocket } from 'node:dgram';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { HostRegistry } from '../../backend/hosts.ts';
import { IntakeStats } from '../stats.ts';
import { Aggregator } from './aggregator.ts';
import { IntakeBus } from './events.ts';
import { DogStatsDIntake } from './intake.ts';
import { startDogStatsD } from './server.ts';

const T = 1_795_000_200;
const log = pino({ level: 'silent' });

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** ~4 KB packets of odd sizes. */
function packet(i: number): { buf: Buffer; lines: number } {
  const lines: string[] = [];
  const n = 60 + (i % 37);
  for (let k = 0; k < n; k++) lines.push(`udp.count:1|c|#k:${k % 7},pad:${'x'.repeat((i + k) % 50)}`);
  return { buf: Buffer.from(lines.join('\n')), lines: n };
}

describe('DogStatsD over UDP', () => {
  it('parses every datagram sent, counting packets, bytes and lines', async () => {
    const stats = new IntakeStats();
    const aggregator = new Aggregator();
    const clock = { now: () => (T + 1) * 1000 };
    const dsd = new DogStatsDIntake({
      aggregator,
      hosts: new HostRegistry('h', []),
      stats,
      bus: new IntakeBus(),
      clock,
    });
    const server = await startDogStatsD({
      host: '127.0.0.1',
      port: 0,
      onPacket: (p) => dsd.packet(p),
      stats,
      log,
    });
    try {
      expect(server.recvBufferSize).toBeGreaterThan(0);
      expect(stats.listeners).toEqual([
        { name: 'dogstatsd', protocol: 'udp', address: `127.0.0.1:${server.port}` },
      ]);
      const sock = createSocket('udp4');
      await new Promise<void>((resolve) => sock.connect(server.port, '127.0.0.1', resolve));
      let lines = 0;
      let bytes = 0;
      const PACKETS = 3000;
      for (let i = 0; i < PACKETS; i++) {
        const p = packet(i);
        sock.send(p.buf);
        lines += p.lines;
        bytes += p.buf.length;
        // flow control: stay within the socket buffer (loopback UDP drops when it is full)
        if (i % 100 === 99) await until(() => stats.packets >= i - 100, 'packets');
      }
      await until(() => stats.packets >= PACKETS, 'every packet');
      sock.close();
      expect([stats.packets, stats.bytes, stats.lines, stats.metricLines]).toEqual([
        PACKETS,
        bytes,
        lines,
        lines,
      ]);
      expect(stats.errorCount).toBe(0);
      expect(stats.udpKernelDrops()).toBe(0);
      let total = 0;
      for (const p of aggregator.flush(clock.now(), true).points) total += p.value * 10;
      expect(Math.round(total)).toBe(lines);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('keeps reading when the handler throws', async () => {
    const stats = new IntakeStats();
    let seen = 0;
    const server = await startDogStatsD({
      host: '127.0.0.1',
      port: 0,
      onPacket: () => {
        seen++;
        throw new Error('boom');
      },
      stats,
      log,
    });
    try {
      const sock = createSocket('udp4');
      await new Promise<void>((resolve) => sock.connect(server.port, '127.0.0.1', resolve));
      sock.send('a:1|c');
      sock.send('a:1|c');
      await until(() => seen === 2, 'both datagrams');
      sock.close();
    } finally {
      await server.close();
    }
  });

  it('reports a port in use as dgram does', async () => {
    const stats = new IntakeStats();
    const first = await startDogStatsD({ host: '127.0.0.1', port: 0, onPacket: () => {}, stats, log });
    try {
      await expect(
        startDogStatsD({ host: '127.0.0.1', port: first.port, onPacket: () => {}, stats, log }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringContaining(`bind EADDRINUSE 127.0.0.1:${first.port}`),
      });
    } finally {
      await first.close();
    }
  });
});

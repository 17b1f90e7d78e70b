import { createSocket } from 'node:dgram';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { dogstatsdRig } from './dogstatsd-rig.ts';
import { until } from './helpers.ts';

const BUCKET = 1_795_000_200;

// Packets of odd sizes (so ring records need padding and some hit the ring's end), ~4 KB each:
// 10,000 of them (~38 MB) go twice round the 16 MB ring.
function packet(i: number): { buf: Buffer; lines: number } {
  const lines: string[] = [];
  const n = 60 + (i % 37);
  for (let k = 0; k < n; k++) lines.push(`ring.count:1|c|#k:${k % 7},pad:${'x'.repeat((i + k) % 50)}`);
  return { buf: Buffer.from(lines.join('\n')), lines: n };
}

describe.each([
  { receiver: 'native', ringBytes: undefined },
  // a 64 KiB ring is full most of the time: the reading thread waits for room again and again
  { receiver: 'native', ringBytes: 65_536 },
  { receiver: 'worker', ringBytes: undefined },
  { receiver: 'worker', ringBytes: 65_536 },
  { receiver: 'main', ringBytes: undefined },
] as const)('DogStatsD UDP receiver (%o)', ({ receiver, ringBytes }) => {
  it('parses every datagram sent, through the ring and its wrap-around', async () => {
    const { store, aggregator, stats, listen } = dogstatsdRig({ clock: { now: () => (BUCKET + 1) * 1000 } });
    const server = await listen({
      receiver,
      ringBytes,
    });
    try {
      expect(server.receiver).toBe(receiver);
      expect(server.recvBufferSize).toBeGreaterThan(0);
      const sock = createSocket('udp4');
      await new Promise<void>((resolve) => sock.connect(server.port, '127.0.0.1', resolve));
      let lines = 0;
      let bytes = 0;
      const PACKETS = 10_000;
      for (let i = 0; i < PACKETS; i++) {
        const p = packet(i);
        sock.send(p.buf);
        lines += p.lines;
        bytes += p.buf.length;
        // flow control: stay within the kernel buffer (loopback UDP drops when it is full)
        if (i % 100 === 99) await until(() => stats.packets >= i - 100, 10_000, 'packets');
      }
      await until(() => stats.packets >= PACKETS, 10_000, 'every packet');
      sock.close();
      expect(bytes).toBeGreaterThan(32 * 1024 * 1024);
      expect(stats.packets).toBe(PACKETS);
      expect(stats.bytes).toBe(bytes);
      expect(stats.lines).toBe(lines);
      expect(stats.metricLines).toBe(lines);
      expect(stats.errorCount).toBe(0);
      expect(stats.udpKernelDrops()).toBe(0);
      aggregator.flush();
      let total = 0;
      for (const s of store.series('ring.count', BUCKET - 10, BUCKET + 10))
        for (const v of Array.from(s.values)) total += v * 10;
      expect(Math.round(total)).toBe(lines);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('DogStatsD UDP receiver choice', () => {
  const deps = () => dogstatsdRig({ clock: { now: () => (BUCKET + 1) * 1000 } });

  it('binds a host name on the worker thread (the native listener takes addresses) and says why', async () => {
    const { stats, listen } = deps();
    const said: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => said.push(line) });
    const server = await listen({ host: 'localhost', log });
    try {
      expect(server.receiver).toBe('worker');
      expect(said.join('')).toContain('binds IP addresses, not the name localhost');
      const sock = createSocket('udp4');
      await new Promise<void>((resolve) => sock.connect(server.port, '127.0.0.1', resolve));
      sock.send('choice.count:1|c');
      await until(() => stats.metricLines === 1, 5_000, 'the line');
      sock.close();
    } finally {
      await server.close();
    }
  });

  it('refuses to run the native listener where it cannot, naming why', async () => {
    const { listen } = deps();
    await expect(listen({ host: 'localhost', receiver: 'native' })).rejects.toThrow(
      "DogStatsD receiver 'native' cannot run: the native listener binds IP addresses, not the name localhost",
    );
  });

  it('reports a port in use as dgram does', async () => {
    const { listen } = deps();
    const first = await listen();
    try {
      await expect(listen({ port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringContaining(`bind EADDRINUSE 127.0.0.1:${first.port}`),
      });
    } finally {
      await first.close();
    }
  });
});

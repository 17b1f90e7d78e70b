import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmitter } from '../src/emitter.ts';
import { captureLog, configFrom, freeUdpPort, manualTimers, udpReceiver, until } from './helpers.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('metric-emitter with nothing listening on the DogStatsD port', () => {
  it('keeps sending with flat memory, then the first point after a receiver appears arrives', async () => {
    const port = await freeUdpPort();
    const { log, lines } = captureLog();
    const clock = manualTimers();
    const emitter = startEmitter({
      config: configFrom({ DD_DOGSTATSD_PORT: String(port), LOG_LEVEL: 'warn' }),
      log: log.child({}, { level: 'warn' }),
      random: () => 0.5,
      timers: clock.timers,
    });
    cleanup.push(() => emitter.stop());

    const batch = async (n: number) => {
      for (let i = 0; i < n; i++) clock.fire();
      // Let every datagram leave before measuring: nothing may pile up in the client.
      await new Promise((r) => setTimeout(r, 50));
    };
    await batch(1000); // warm-up: JIT, socket buffers, pino
    const before = heapAfterGc();
    await batch(5000);
    const after = heapAfterGc();
    expect(emitter.sent).toBe(6001);
    // 5,000 points later the heap has not grown by more than a few hundred bytes a point would.
    expect(after - before).toBeLessThan(1_000_000);
    expect(lines.filter((l) => l.level === 50)).toEqual([]);

    const r = await udpReceiver(port);
    cleanup.push(() => r.close());
    clock.fire();
    await until(() => r.datagrams.length === 1, 2000, 'the first point after the receiver appeared');
    expect(r.datagrams[0]).toMatch(/^my_metric:500\|g\|#role:database,mytag,/);
  });
});

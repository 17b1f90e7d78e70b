import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import StatsD from 'hot-shots';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { testSandbox, until } from './helpers.ts';

const BUCKET = 1_795_000_200;

// unix-dgram is an optional native addon (it builds only where Node's headers are at hand, as
// .ci/run arranges); without it the Unix socket cannot work, so say so rather than fail.
const unixDgramBuilt = (() => {
  try {
    createRequire(import.meta.url)('unix-dgram');
    return true;
  } catch {
    console.warn('skipping the DogStatsD Unix socket test: the unix-dgram addon is not built here');
    return false;
  }
})();

describe.runIf(unixDgramBuilt)('DogStatsD over a Unix datagram socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listens where asked, takes hot-shots uds traffic, removes the socket at stop', async () => {
    const socketPath = join(dir, 'dsd.socket');
    const t = await testSandbox({ clock: new ManualClock((BUCKET + 1) * 1000), dogstatsdSocket: socketPath });
    try {
      expect(t.sandbox.dogstatsd.socketPath).toBe(socketPath);
      expect(existsSync(socketPath)).toBe(true);
      const client = new StatsD({ protocol: 'uds', path: socketPath, errorHandler: () => {} });
      client.gauge('uds.gauge', 12);
      client.increment('uds.count', 3);
      await new Promise<void>((resolve) => client.close(() => resolve()));
      await until(() => t.ctx.intake.stats.metricLines >= 2, 5000, 'uds lines');
      t.ctx.metrics.flush();
      const [g] = [...t.ctx.metrics.series('uds.gauge', BUCKET - 10, BUCKET + 10)];
      expect(Array.from(g?.values ?? [])).toEqual([12]);
      const [c] = [...t.ctx.metrics.series('uds.count', BUCKET - 10, BUCKET + 10)];
      expect(Array.from(c?.values ?? [])).toEqual([0.3]);
      expect(t.ctx.intake.stats.listeners.map((l) => l.protocol)).toContain('unixgram');
    } finally {
      await t.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });
});

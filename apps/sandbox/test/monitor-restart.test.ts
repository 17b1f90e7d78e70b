import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from './support/monitor-harness.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

describe('monitor engine across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resumes from the stored state: no second trigger, one recovery', async () => {
    const first = await startHarness(T0, {}, dataDir);
    const monitor = await first.monitors.createMonitor({
      body: {
        name: 'r',
        type: 'metric alert',
        query: 'max(last_5m):avg:restart_metric{*} > 800',
        message: '@me',
      },
    });
    await first.submit('restart_metric', 'sandbox-host', at(0), at(20), (t) => (t < at(12) ? 900 : 100));
    for (let m = 1; m <= 8; m++) await first.advanceTo(at(m));
    await first.close();

    const second = await startHarness(at(8) + 30_000, {}, dataDir);
    for (let m = 9; m <= 20; m++) await second.advanceTo(at(m));
    await second.sandbox.monitors.close();
    const sent = second.sandbox.context.store.outbox
      .list({ source: 'monitor' })
      .reverse()
      .map((n) => [n.transition, (n.at - T0) / MIN]);
    expect(sent).toEqual([
      ['Triggered', 1],
      ['Recovered', 17], // the last hot point is at 11:50; the 5-minute max falls at minute 17
    ]);
    const history = second.sandbox.context.store.monitors.history(monitor.id ?? 0);
    expect(history.map((h) => h.to)).toEqual(['Alert', 'OK']);
    await second.close();
  }, 30_000);
});

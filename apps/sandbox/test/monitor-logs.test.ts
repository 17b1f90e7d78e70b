// What the sandbox's log says at info while monitors run: one line per state change naming the
// monitor, the group, the change and who is notified (or the downtime that mutes it), and one
// line when a downtime starts and ends.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/monitor-harness.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

describe('monitor engine log lines', () => {
  const lines: Array<{ level: number; msg: string }> = [];
  let h: Harness;
  let monitorId = 0;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    h = await startHarness(T0, {}, undefined, pino({ level: 'info' }, sink));
    const monitor = await h.monitors.createMonitor({
      body: {
        name: 'my_metric is high',
        type: 'metric alert',
        query: 'avg(last_5m):avg:my_metric{*} by {host} > 800',
        message: '{{#is_alert}}high{{/is_alert}} @you@example.com',
        options: { thresholds: { critical: 800 } },
      },
    });
    monitorId = monitor.id ?? 0;
    await h.downtimes.createDowntime({
      body: {
        data: {
          type: 'downtime',
          attributes: {
            scope: 'host:sandbox-host',
            schedule: { start: new Date(at(20)), end: new Date(at(30)) },
            monitorIdentifier: { monitorId },
          },
        },
      },
    });
    // High at minutes 10-15 (notified), then again at 21-27, inside the downtime (muted).
    const high = (t: number) => (t >= at(10) && t < at(15)) || (t >= at(21) && t < at(27));
    await h.submit('my_metric', 'sandbox-host', at(0), at(40), (t) => (high(t) ? 900 : 100));
    for (let m = 1; m <= 40; m++) await h.advanceTo(at(m));
  });
  afterAll(() => h.close());

  const info = () => lines.filter((l) => l.level === 30).map((l) => l.msg);

  it('says when a group alerts and whom it notifies', () => {
    expect(info()).toContain(
      `monitor ${monitorId} "my_metric is high" {host:sandbox-host}: OK -> Alert, notifying @you@example.com`,
    );
  });

  it('says when a downtime starts and ends, and which notification it muted', () => {
    const messages = info();
    const started = messages.findIndex((m) => /^downtime \S+ on host:sandbox-host started$/.test(m));
    const ended = messages.findIndex((m) => /^downtime \S+ on host:sandbox-host ended$/.test(m));
    expect(started).toBeGreaterThan(-1);
    expect(ended).toBeGreaterThan(started);
    expect(messages.some((m) => /: OK -> Alert, muted by downtime \S+$/.test(m))).toBe(true);
  });
});

import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { downtimeRecord } from '../../../test/support/downtimes.ts';
import type { DowntimeRecord } from '../db/types.ts';
import { MetricStore } from '../metrics/store.ts';
import { cadenceFor, compileMonitor, type MonitorDefinition } from './definition.ts';
import { DowntimeSet } from './downtime-match.ts';
import { type PreviewResult, replay } from './preview.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

/** A store with `metric` on host `h1`: each [fromMinute, toMinute, value] every 10 s. */
function storeWith(metric: string, phases: [number, number, number][]): MetricStore {
  const store = new MetricStore(new DatabaseSync(':memory:'));
  for (const [from, to, value] of phases) {
    const points = [];
    for (let t = at(from) / 1000; t < at(to) / 1000; t += 10)
      points.push({ metric, tags: ['host:h1'], type: 'gauge' as const, interval: 10, time: t, value });
    store.write({ points, sketches: [] });
  }
  return store;
}

function run(
  def: Partial<MonitorDefinition>,
  source: MetricStore,
  minutes: number,
  downtimes: DowntimeRecord[] = [],
): PreviewResult {
  const compiled = compileMonitor({
    id: 7,
    name: 'm',
    query: 'max(last_5m):avg:m{*} by {host} > 800',
    message:
      '{{#is_alert}}hot{{/is_alert}}{{#is_recovery}}ok{{/is_recovery}}{{#is_renotify}} again{{/is_renotify}} {{host.ip}} @me',
    ...def,
  });
  if (!compiled.ok) throw new Error(compiled.error);
  return replay(compiled.value, T0, at(minutes), {
    source,
    downtimes: new DowntimeSet(downtimes),
    hostIp: (h) => (h === 'h1' ? '10.1.1.1' : undefined),
  });
}

const oneTime = (
  id: string,
  fromMinute: number,
  toMinute: number | null,
  over: Partial<DowntimeRecord> = {},
) =>
  downtimeRecord({
    id,
    schedule: { kind: 'one_time', start: at(fromMinute), end: toMinute === null ? null : at(toMinute) },
    ...over,
  });

const summary = (r: PreviewResult) => [
  ...r.notifications.map((n) => `${(n.at_ms - T0) / MIN} ${n.transition} sent: ${n.message}`),
  ...r.muted.map((n) => `${(n.at_ms - T0) / MIN} ${n.transition} muted by ${n.downtime_id}`),
];

describe('MonitorRun: muting rules', () => {
  // hot 900 from minute 2 to 10, then 100
  const data = () =>
    storeWith('m', [
      [0, 2, 100],
      [2, 10, 900],
      [10, 30, 100],
    ]);

  it('an alert announced before a downtime gets its first recovery sent inside it', () => {
    const r = run({}, data(), 30, [oneTime('dt', 5, 25)]);
    expect(summary(r)).toEqual(['3 Triggered sent: hot 10.1.1.1 @me', '15 Recovered sent: ok 10.1.1.1 @me']);
  });

  it('mute_first_recovery_notification mutes that recovery', () => {
    const r = run({}, data(), 30, [oneTime('dt', 5, 25, { mute_first_recovery_notification: true })]);
    expect(summary(r)).toEqual(['3 Triggered sent: hot 10.1.1.1 @me', '15 Recovered muted by dt']);
  });

  it('a downtime on another group does not mute this one', () => {
    const r = run({}, data(), 30, [oneTime('dt', 0, null, { scope: 'host:h2' })]);
    expect(r.muted).toEqual([]);
    expect(r.notifications).toHaveLength(2);
  });

  it('a canceled downtime re-notifies a still-alerting group only when notify_end_types has canceled', () => {
    const hot = storeWith('m', [[0, 30, 900]]);
    const plain = run({}, hot, 30, [oneTime('dt', 0, null, { canceled: at(20) + 30_000 })]);
    expect(summary(plain)).toEqual(['1 Triggered muted by dt']);
    const told = run({}, hot, 30, [
      oneTime('dt', 0, null, { canceled: at(20) + 30_000, notify_end_types: ['canceled'] }),
    ]);
    expect(summary(told)).toEqual([
      '21 Re-Triggered sent: hot again 10.1.1.1 @me',
      '1 Triggered muted by dt',
    ]);
  });

  it('renotify_interval reminders are muted inside a downtime and sent outside it', () => {
    const hot = storeWith('m', [[0, 40, 900]]);
    const r = run({ options: { renotify_interval: 10 } }, hot, 35, [oneTime('dt', 15, 25)]);
    expect(summary(r)).toEqual([
      '1 Triggered sent: hot 10.1.1.1 @me',
      '11 Re-Triggered sent: hot again 10.1.1.1 @me',
      '25 Re-Triggered sent: hot again 10.1.1.1 @me', // the downtime expired with the group still in Alert
      '31 Re-Triggered sent: hot again 10.1.1.1 @me',
      '21 Re-Triggered muted by dt',
    ]);
  });
});

describe('MonitorRun: options', () => {
  it('evaluation_delay looks that far back', () => {
    const source = storeWith('m', [
      [0, 5, 100],
      [5, 20, 900],
    ]);
    expect(run({}, source, 20).transitions[0]?.at).toBe(new Date(at(6)).toISOString());
    expect(run({ options: { evaluation_delay: 180 } }, source, 20).transitions[0]?.at).toBe(
      new Date(at(9)).toISOString(),
    );
  });

  it('require_full_window waits for a full window of data', () => {
    const source = storeWith('m', [[3, 20, 900]]); // data starts at minute 3
    expect(run({}, source, 20).transitions[0]?.at).toBe(new Date(at(4)).toISOString());
    // the first 1-minute bucket must have data: the window [3, 8) is the first full one
    expect(run({ options: { require_full_window: true } }, source, 20).transitions[0]?.at).toBe(
      new Date(at(8)).toISOString(),
    );
  });

  it('evaluates on Datadog cadence: every minute, 10 minutes past 24 h windows, 30 minutes beyond 48 h', () => {
    expect([
      cadenceFor(300),
      cadenceFor(86_399),
      cadenceFor(86_400),
      cadenceFor(172_800),
      cadenceFor(259_200),
    ]).toEqual([60, 60, 600, 600, 1800]);
    const source = storeWith('m', [[0, 60, 100]]);
    expect(run({ query: 'avg(last_1d):avg:m{*} > 800' }, source, 60).evaluations).toBe(6);
    expect(run({ query: 'avg(last_5m):avg:m{*} > 800' }, source, 60).evaluations).toBe(60);
  });

  it('names what it cannot evaluate', () => {
    expect(
      compileMonitor({
        type: 'service check',
        query: '"http.can_connect".over("*").by("host").last(2).count_by_status()',
      }),
    ).toEqual({
      ok: false,
      error: 'monitor type "service check" is not evaluated by the sandbox',
    });
    const bad = compileMonitor({ query: 'avg(last_5m):avg:m{*} >' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^The value provided for parameter 'query' is invalid: /);
  });

  it('reads thresholds, recovery thresholds and no-data options', () => {
    const c = compileMonitor({
      query: 'avg(last_10m):avg:m{*} by {host} < 5',
      options: {
        thresholds: { critical: 5, warning: 10, critical_recovery: 7, warning_recovery: 12 },
        notify_no_data: true,
        no_data_timeframe: 30,
        require_full_window: true,
        renotify_interval: 60,
        renotify_statuses: ['alert', 'warn'],
      },
    });
    expect(c.ok && c.value.rules).toEqual({
      comparator: '<',
      thresholds: { critical: 5, warning: 10, critical_recovery: 7, warning_recovery: 12 },
      windowSeconds: 600,
      multi: true,
      notifyNoData: true,
      noDataTimeframe: 30,
      requireFullWindow: true,
      renotifyInterval: 60,
      renotifyStatuses: ['alert', 'warn'],
      renotifyOccurrences: undefined,
      timeoutH: undefined,
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  type Comparator,
  type EvaluatedGroup,
  type GroupStatus,
  initialState,
  type MonitorState,
  noDataMinutes,
  overallOf,
  type StateRules,
  statusFor,
  step,
  type Transition,
} from './state.ts';

const rules: StateRules = {
  comparator: '>',
  thresholds: { critical: 800, warning: 500 },
  windowSeconds: 300,
  multi: false,
  notifyNoData: true,
  noDataTimeframe: 10,
  requireFullWindow: false,
};

const g = (
  value: number | undefined,
  group = '*',
  tags: string[] = [],
  extra: Partial<EvaluatedGroup> = {},
) => ({
  group,
  tags,
  value,
  pointCount: value === undefined ? 0 : 30,
  firstBucketHasData: value !== undefined,
  emptyBuckets: value === undefined ? 5 : 0,
  buckets: 5,
  ...extra,
});

/** Runs one evaluation per minute; each entry is what the evaluator returned at that minute. */
function run(r: StateRules, minutes: EvaluatedGroup[][], start = 1_800_000_000) {
  let state: MonitorState = initialState(start);
  const transitions: Transition[] = [];
  const statuses: GroupStatus[] = [];
  minutes.forEach((groups, i) => {
    const result = step(state, r, groups, start + (i + 1) * 60);
    state = result.state;
    transitions.push(...result.transitions);
    statuses.push(state.overall);
  });
  return { state, transitions, statuses };
}

describe('statusFor: thresholds and recovery thresholds for every comparator', () => {
  const table: {
    cmp: Comparator;
    t: StateRules['thresholds'];
    value: number;
    prev: GroupStatus;
    expected: GroupStatus;
  }[] = [
    { cmp: '>', t: { critical: 800, warning: 500 }, value: 801, prev: 'OK', expected: 'Alert' },
    { cmp: '>', t: { critical: 800, warning: 500 }, value: 800, prev: 'OK', expected: 'Warn' },
    { cmp: '>', t: { critical: 800, warning: 500 }, value: 500, prev: 'OK', expected: 'OK' },
    { cmp: '>=', t: { critical: 800, warning: 500 }, value: 800, prev: 'OK', expected: 'Alert' },
    { cmp: '>=', t: { critical: 800, warning: 500 }, value: 500, prev: 'OK', expected: 'Warn' },
    { cmp: '<', t: { critical: 10, warning: 20 }, value: 9, prev: 'OK', expected: 'Alert' },
    { cmp: '<', t: { critical: 10, warning: 20 }, value: 10, prev: 'OK', expected: 'Warn' },
    { cmp: '<', t: { critical: 10, warning: 20 }, value: 20, prev: 'OK', expected: 'OK' },
    { cmp: '<=', t: { critical: 10, warning: 20 }, value: 10, prev: 'OK', expected: 'Alert' },
    { cmp: '<=', t: { critical: 10, warning: 20 }, value: 20, prev: 'OK', expected: 'Warn' },
    { cmp: '==', t: { critical: 0 }, value: 0, prev: 'OK', expected: 'Alert' },
    { cmp: '==', t: { critical: 0 }, value: 1, prev: 'Alert', expected: 'OK' },
    { cmp: '!=', t: { critical: 0 }, value: 1, prev: 'OK', expected: 'Alert' },
    { cmp: '!=', t: { critical: 0 }, value: 0, prev: 'Alert', expected: 'OK' },
    // hysteresis above: alert 800, recovers only at <= 700
    { cmp: '>', t: { critical: 800, critical_recovery: 700 }, value: 750, prev: 'Alert', expected: 'Alert' },
    { cmp: '>', t: { critical: 800, critical_recovery: 700 }, value: 700, prev: 'Alert', expected: 'OK' },
    { cmp: '>', t: { critical: 800, critical_recovery: 700 }, value: 750, prev: 'OK', expected: 'OK' },
    { cmp: '>=', t: { critical: 800, critical_recovery: 700 }, value: 700, prev: 'Alert', expected: 'Alert' },
    { cmp: '>=', t: { critical: 800, critical_recovery: 700 }, value: 699, prev: 'Alert', expected: 'OK' },
    // hysteresis below: alert < 10, recovers only at >= 15
    { cmp: '<', t: { critical: 10, critical_recovery: 15 }, value: 12, prev: 'Alert', expected: 'Alert' },
    { cmp: '<', t: { critical: 10, critical_recovery: 15 }, value: 15, prev: 'Alert', expected: 'OK' },
    { cmp: '<=', t: { critical: 10, critical_recovery: 15 }, value: 15, prev: 'Alert', expected: 'Alert' },
    { cmp: '<=', t: { critical: 10, critical_recovery: 15 }, value: 15.1, prev: 'Alert', expected: 'OK' },
    // warning recovery
    {
      cmp: '>',
      t: { critical: 800, warning: 500, warning_recovery: 400 },
      value: 450,
      prev: 'Warn',
      expected: 'Warn',
    },
    {
      cmp: '>',
      t: { critical: 800, warning: 500, warning_recovery: 400 },
      value: 400,
      prev: 'Warn',
      expected: 'OK',
    },
    {
      cmp: '>',
      t: { critical: 800, warning: 500, warning_recovery: 400 },
      value: 450,
      prev: 'OK',
      expected: 'OK',
    },
    {
      cmp: '>',
      t: { critical: 800, warning: 500, warning_recovery: 400 },
      value: 450,
      prev: 'Alert',
      expected: 'Warn',
    },
    {
      cmp: '<',
      t: { critical: 10, warning: 20, warning_recovery: 25 },
      value: 22,
      prev: 'Warn',
      expected: 'Warn',
    },
    {
      cmp: '<',
      t: { critical: 10, warning: 20, warning_recovery: 25 },
      value: 25,
      prev: 'Warn',
      expected: 'OK',
    },
    // alert -> warn when it falls between the thresholds (no alert recovery set)
    { cmp: '>', t: { critical: 800, warning: 500 }, value: 600, prev: 'Alert', expected: 'Warn' },
    // recovery from No Data
    { cmp: '>', t: { critical: 800, warning: 500 }, value: 100, prev: 'No Data', expected: 'OK' },
  ];
  for (const c of table) {
    it(`${c.value} ${c.cmp} ${JSON.stringify(c.t)} from ${c.prev} -> ${c.expected}`, () => {
      expect(statusFor(c.value, c.prev, { ...rules, comparator: c.cmp, thresholds: c.t })).toBe(c.expected);
    });
  }
});

describe('step', () => {
  it('the challenge monitor: OK -> Warn -> Alert -> OK -> No Data after 10 min -> OK', () => {
    const minutes = [
      [g(100)],
      [g(600)],
      [g(900)],
      [g(200)],
      ...Array.from({ length: 10 }, () => [g(undefined)]),
      [g(300)],
    ];
    const { transitions, statuses } = run(rules, minutes);
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'OK->Warn',
      'Warn->Alert',
      'Alert->OK',
      'OK->No Data',
      'No Data->OK',
    ]);
    // silent from minute 5; last data at minute 4; No Data once 10 minutes have passed (minute 14)
    expect(statuses.indexOf('No Data')).toBe(13);
    expect(transitions[1]).toMatchObject({ value: 900, firstTriggeredAt: transitions[0]?.at });
  });

  it('with the groups seen over the timeframe, No Data comes exactly when that set loses the group', () => {
    let state = step(initialState(0), rules, [g(100)], 60).state;
    // silent in the window, but the caller saw a point within the last 10 minutes: still OK
    state = step(state, rules, [], 600, new Set(['*'])).state;
    expect(state.overall).toBe('OK');
    const r = step(state, rules, [], 660, new Set());
    expect(r.transitions.map((t) => t.to)).toEqual(['No Data']);
  });

  it('the default no-data timeframe is twice the window', () => {
    expect(noDataMinutes({ ...rules, noDataTimeframe: undefined })).toBe(10);
    expect(noDataMinutes({ ...rules, noDataTimeframe: null, windowSeconds: 3600 })).toBe(120);
  });

  it('without notify_no_data a simple alert keeps its last state through silence', () => {
    const { transitions, state } = run({ ...rules, notifyNoData: false }, [
      [g(900)],
      ...Array.from({ length: 30 }, () => [g(undefined)]),
    ]);
    expect(transitions.map((t) => t.to)).toEqual(['Alert']);
    expect(state.overall).toBe('Alert');
  });

  it('timeout_h resolves a silent triggered simple alert', () => {
    const { transitions } = run({ ...rules, notifyNoData: false, timeoutH: 1 }, [
      [g(900)],
      ...Array.from({ length: 61 }, () => [g(undefined)]),
    ]);
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['OK->Alert', 'Alert->OK']);
  });

  it('a simple alert that never had data goes No Data after the timeframe from creation', () => {
    const { statuses, transitions } = run(
      rules,
      Array.from({ length: 11 }, () => [g(undefined)]),
    );
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ group: '*', from: 'OK', to: 'No Data' });
    expect(statuses[8]).toBe('No Data'); // overall is No Data from the start (no groups)
  });

  it('multi-alert: only the hot host alerts; silent groups are dropped without notify_no_data', () => {
    const multi = { ...rules, multi: true, notifyNoData: false };
    const a = (v: number | undefined) => g(v, 'host:a', ['host:a']);
    const b = (v: number | undefined) => g(v, 'host:b', ['host:b']);
    const { transitions, state } = run(multi, [[a(100), b(900)], [a(120), b(950)], [a(110)]]);
    expect(transitions.map((t) => `${t.group}:${t.from}->${t.to}`)).toEqual(['host:b:OK->Alert']);
    expect(Object.keys(state.groups)).toEqual(['host:a']);
    expect(state.overall).toBe('OK');
  });

  it('multi-alert with notify_no_data: a silent group goes No Data, the others stay', () => {
    const multi = { ...rules, multi: true };
    const a = (v: number | undefined) => g(v, 'host:a', ['host:a']);
    const b = (v: number | undefined) => g(v, 'host:b', ['host:b']);
    const minutes = [[a(100), b(100)], ...Array.from({ length: 10 }, () => [a(100)])];
    const { transitions, state } = run(multi, minutes);
    expect(transitions.map((t) => `${t.group}:${t.to}`)).toEqual(['host:b:No Data']);
    expect(state.groups['host:a']?.status).toBe('OK');
    expect(state.overall).toBe('No Data');
  });

  it('new_group_delay: a new group is not judged until it has had data for the delay', () => {
    const multi = { ...rules, multi: true, notifyNoData: false, newGroupDelay: 180 };
    const a = (v: number | undefined) => g(v, 'host:a', ['host:a']);
    const b = (v: number | undefined) => g(v, 'host:b', ['host:b']);
    // host:a is hot from its first minute; host:b appears at minute 3, hot too.
    const minutes = [
      [a(900)],
      [a(900)],
      [a(900), b(900)],
      [a(900), b(900)],
      [a(900), b(900)],
      [a(900), b(900)],
    ];
    const { transitions, statuses, state } = run(multi, minutes);
    // a first seen at minute 1, judged from minute 4 (180 s later); b first at 3, judged at 6.
    expect(transitions.map((t) => `${t.at - 1_800_000_000}:${t.group}:${t.to}`)).toEqual([
      '240:host:a:Alert',
      '360:host:b:Alert',
    ]);
    expect(statuses).toEqual(['No Data', 'No Data', 'No Data', 'Alert', 'Alert', 'Alert']);
    expect(state.pending).toBeUndefined();
  });

  it('new_group_delay: a pending group that falls silent starts its delay over', () => {
    const multi = { ...rules, multi: true, notifyNoData: false, newGroupDelay: 120 };
    const a = (v: number | undefined) => g(v, 'host:a', ['host:a']);
    const { transitions, state } = run(multi, [[a(900)], [], [a(900)], [a(900)]]);
    expect(transitions).toEqual([]);
    expect(state.pending).toEqual({ 'host:a': 1_800_000_000 + 180 });
    // A simple alert has no groups to delay: the option does not apply.
    const simple = run({ ...rules, newGroupDelay: 600 }, [[g(900)]]);
    expect(simple.transitions.map((t) => t.to)).toEqual(['Alert']);
  });

  it('require_full_window skips partial windows and keeps the state', () => {
    const full = { ...rules, requireFullWindow: true };
    const partial = (v: number) => g(v, '*', [], { firstBucketHasData: false, emptyBuckets: 1 });
    const sparse = (v: number) => g(v, '*', [], { emptyBuckets: 4 });
    const { transitions } = run(full, [[partial(900)], [sparse(900)], [g(900)], [partial(100)], [g(100)]]);
    expect(transitions.map((t) => `${t.from}->${t.to}@${t.at}`)).toEqual([
      `OK->Alert@${1_800_000_000 + 180}`,
      `Alert->OK@${1_800_000_000 + 300}`,
    ]);
  });

  it('renotify_interval re-notifies alert and no data (not warn by default), bounded by occurrences', () => {
    const r = { ...rules, renotifyInterval: 2, renotifyOccurrences: 2 };
    const { transitions } = run(
      r,
      Array.from({ length: 8 }, () => [g(900)]),
    );
    expect(
      transitions.map((t) => `${t.to}${t.renotify ? ' renotify' : ''}@${(t.at - 1_800_000_000) / 60}`),
    ).toEqual(['Alert@1', 'Alert renotify@3', 'Alert renotify@5']);
    const warn = run(
      { ...rules, renotifyInterval: 1 },
      Array.from({ length: 4 }, () => [g(600)]),
    );
    expect(warn.transitions.filter((t) => t.renotify)).toEqual([]);
    const warnToo = run(
      { ...rules, renotifyInterval: 1, renotifyStatuses: ['warn'] },
      Array.from({ length: 3 }, () => [g(600)]),
    );
    expect(warnToo.transitions.filter((t) => t.renotify)).toHaveLength(2);
  });

  it('overall state is the worst group', () => {
    const gs = (s: GroupStatus) => ({
      group: s,
      tags: [],
      status: s,
      since: 0,
      lastValue: undefined,
      lastDataAt: 0,
      firstTriggeredAt: undefined,
      lastTriggeredAt: undefined,
      lastNotifiedAt: undefined,
      renotifyCount: 0,
    });
    expect(overallOf({})).toBe('No Data');
    expect(overallOf({ a: gs('OK'), b: gs('No Data') })).toBe('No Data');
    expect(overallOf({ a: gs('Warn'), b: gs('No Data') })).toBe('Warn');
    expect(overallOf({ a: gs('Warn'), b: gs('Alert'), c: gs('OK') })).toBe('Alert');
  });
});

import { describe, expect, it } from 'vitest';
import { downtimeRecord, NY, weekends, weeknights } from '../../../test/support/downtimes.ts';
import { fromWall } from '../downtimes/timezone.ts';
import { activeAt, covers, edgesBetween, endNotifies, mutingAt } from './downtime-match.ts';

/** A New York wall time as an instant. */
const ny = (wall: string) => fromWall(Date.parse(`${wall}Z`), NY);
const monitor = { id: 1000001, tags: ['challenge'] };

describe('which downtime mutes a group (America/New_York, weeknights + weekends)', () => {
  const table: { at: string; muted: string | undefined }[] = [
    { at: '2026-11-24T20:00:00', muted: 'dt-weeknights' }, // Tuesday evening
    { at: '2026-11-24T10:00:00', muted: undefined }, // Tuesday morning
    { at: '2026-11-25T08:59:00', muted: 'dt-weeknights' },
    { at: '2026-11-25T09:00:00', muted: undefined },
    { at: '2026-11-23T08:00:00', muted: undefined }, // Monday morning: no Sunday-night window
    { at: '2026-11-28T08:00:00', muted: 'dt-weeknights' }, // Saturday morning: Friday's night window first
    { at: '2026-11-28T12:00:00', muted: 'dt-weekends' }, // Saturday noon
    { at: '2026-11-29T23:59:00', muted: 'dt-weekends' }, // Sunday night
    { at: '2026-11-30T00:00:00', muted: undefined }, // Monday 00:00
    { at: '2026-07-07T20:00:00', muted: 'dt-weeknights' }, // summer (EDT)
    { at: '2026-07-07T18:59:00', muted: undefined },
  ];
  for (const c of table) {
    it(`${c.at} -> ${c.muted ?? 'not muted'}`, () => {
      expect(mutingAt([weeknights, weekends], monitor, ['host:web-1'], ny(c.at))?.id).toBe(c.muted);
    });
  }

  it('scope and monitor identifier narrow it', () => {
    const scoped = downtimeRecord({ ...weeknights, id: 'web', scope: 'host:web-* AND -env:prod' });
    expect(covers(scoped, monitor, ['host:web-1', 'env:dev'])).toBe(true);
    expect(covers(scoped, monitor, ['host:web-1', 'env:prod'])).toBe(false);
    expect(covers(scoped, monitor, ['host:db-1'])).toBe(false);
    expect(covers({ ...scoped, monitor_identifier: { monitor_id: 7 } }, monitor, ['host:web-1'])).toBe(false);
    expect(
      covers({ ...scoped, monitor_identifier: { monitor_tags: ['challenge'] } }, monitor, ['host:web-1']),
    ).toBe(true);
    expect(
      covers({ ...scoped, monitor_identifier: { monitor_tags: ['other'] } }, monitor, ['host:web-1']),
    ).toBe(false);
  });

  it('a canceled downtime stops muting at its cancel time', () => {
    const canceled = { ...weeknights, canceled: ny('2026-11-24T21:00:00') };
    expect(activeAt(canceled, ny('2026-11-24T20:59:00'))).toBe(true);
    expect(activeAt(canceled, ny('2026-11-24T21:00:00'))).toBe(false);
  });
});

describe('window edges between two evaluations', () => {
  it('finds the Tuesday start and the Wednesday end', () => {
    const edges = edgesBetween([weeknights], ny('2026-11-24T18:59:00'), ny('2026-11-25T09:00:00'));
    expect(edges.map((e) => [e.kind, new Date(e.at).toISOString(), e.endType])).toEqual([
      ['start', '2026-11-25T00:00:00.000Z', undefined],
      ['end', '2026-11-25T14:00:00.000Z', 'expired'],
    ]);
    // (from, to]: an edge exactly at `from` belongs to the previous evaluation
    expect(edgesBetween([weeknights], ny('2026-11-25T09:00:00'), ny('2026-11-25T09:01:00'))).toEqual([]);
  });

  it('a cancel inside a window is a canceled end', () => {
    const canceled = { ...weeknights, canceled: ny('2026-11-24T21:00:00') };
    const edges = edgesBetween([canceled], ny('2026-11-24T20:30:00'), ny('2026-11-26T00:00:00'));
    expect(edges.map((e) => [e.kind, e.endType, new Date(e.at).toISOString()])).toEqual([
      ['end', 'canceled', '2026-11-25T02:00:00.000Z'],
    ]);
  });

  const table: {
    types: string[];
    states: string[];
    end: 'expired' | 'canceled';
    status: 'Alert' | 'Warn' | 'No Data' | 'OK';
    expected: boolean;
  }[] = [
    { types: [], states: [], end: 'expired', status: 'Alert', expected: true },
    { types: [], states: [], end: 'canceled', status: 'Alert', expected: false },
    { types: ['canceled'], states: [], end: 'canceled', status: 'Alert', expected: true },
    { types: [], states: [], end: 'expired', status: 'OK', expected: false },
    { types: ['expired'], states: ['alert'], end: 'expired', status: 'Warn', expected: false },
    { types: ['expired'], states: ['no data'], end: 'expired', status: 'No Data', expected: true },
  ];
  for (const c of table) {
    it(`end ${c.end} with types ${JSON.stringify(c.types)} states ${JSON.stringify(c.states)} in ${c.status} -> ${c.expected}`, () => {
      const d = downtimeRecord({ ...weeknights, notify_end_types: c.types, notify_end_states: c.states });
      expect(endNotifies(d, c.end, c.status)).toBe(c.expected);
    });
  }
});

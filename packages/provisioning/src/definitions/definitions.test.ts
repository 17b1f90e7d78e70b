import { v1, v2 } from '@datadog/datadog-api-client';
import { describe, expect, it } from 'vitest';
import { lintDefinitions } from '../lint.ts';
import { isMuted, WEEK_MINUTES, weeklyWindows } from '../weekly-windows.ts';
import { definitionWire } from '../wire.ts';
import { challengeSet } from './index.ts';
import { markerTags, ownedName } from './ownership.ts';
import type { DashboardDefinition, Definition, DowntimeDefinition, MonitorDefinition } from './types.ts';

const settings = {
  notifyHandle: '@oncall@example.com',
  downtimeTimezone: 'Europe/Paris',
  host: 'box-1',
  env: 'dev',
  service: 'traced-api',
};
const set = challengeSet(settings);
const find = <K extends Definition['kind']>(kind: K, name: string) =>
  set.find((d) => d.kind === kind && d.name === name) as Extract<Definition, { kind: K }>;

function queries(d: DashboardDefinition): string[] {
  return d.body.widgets.flatMap((w) =>
    ((w.definition as { requests?: Array<{ q?: string }> }).requests ?? []).map((r) => r.q ?? ''),
  );
}

describe('the challenge set', () => {
  it('holds two dashboards, one monitor and two downtimes, each tagged as ours under its own name', () => {
    expect(set.map((d) => `${d.kind}/${d.name}`).sort()).toEqual([
      'dashboard/apm-infra',
      'dashboard/my-metric-postgres',
      'downtime/downtime-weekend',
      'downtime/downtime-weeknights',
      'monitor/my-metric-high',
    ]);
    for (const d of set) {
      const tags =
        d.kind === 'monitor'
          ? d.body.tags
          : markerTags(d.kind === 'dashboard' ? d.body.description : d.body.message);
      expect(ownedName(tags)).toBe(d.name);
    }
  });

  it('passes its own lint (queries parse, thresholds agree, downtimes do not overlap)', () => {
    expect(lintDefinitions(set)).toEqual([]);
  });

  it('serializes through the client and reads back as the same models (what export prints)', () => {
    for (const d of set) {
      const wire = definitionWire(d);
      const type = {
        dashboard: 'Dashboard',
        monitor: 'Monitor',
        downtime: 'DowntimeCreateRequestAttributes',
      }[d.kind];
      const serializer = d.kind === 'downtime' ? v2.ObjectSerializer : v1.ObjectSerializer;
      const back = serializer.deserialize(wire, type, '');
      expect(JSON.stringify(serializer.serialize(back, type, ''))).toBe(JSON.stringify(wire));
    }
  });
});

describe('my_metric & PostgreSQL dashboard', () => {
  const d = find('dashboard', 'my-metric-postgres');
  const wire = definitionWire(d) as Record<string, unknown>;

  it('scopes my_metric to the host template variable, defaulting to this host, over 5 minutes', () => {
    expect(wire.template_variables).toEqual([{ name: 'host', prefix: 'host', defaults: ['box-1'] }]);
    expect(wire.default_timeframe).toEqual({ type: 'live', unit: 'minute', value: 5 });
    expect(queries(d)).toContain('avg:my_metric{$host}');
  });

  it('draws the anomalies of rows_fetched and its siblings', () => {
    for (const m of ['rows_fetched', 'rows_returned', 'rows_inserted', 'rows_updated', 'rows_deleted']) {
      expect(queries(d)).toContain(`anomalies(avg:postgresql.${m}{$host}, 'basic', 2)`);
    }
  });

  it('says above the anomaly graphs which part of them is seeded history', () => {
    const types = d.body.widgets.map((w) => (w.definition as { type: string }).type);
    const note = types.indexOf('note');
    expect(note).toBeGreaterThan(-1);
    // The note sits right before the first anomaly graph.
    const anomalyWidget = d.body.widgets.findIndex((w) =>
      (w.definition as { requests?: Array<{ q?: string }> }).requests?.some((r) =>
        r.q?.startsWith('anomalies('),
      ),
    );
    expect(anomalyWidget).toBe(note + 1);
    const content = (d.body.widgets[note]?.definition as v1.NoteWidgetDefinition | undefined)?.content;
    expect(content).toContain('`source:seed`');
    expect(content).toContain('SANDBOX_SEED_HISTORY=0');
  });

  it('shows the hourly rollup sum where it is honest: a query value over an hour and bars over a day', () => {
    const rollups = d.body.widgets
      .map(
        (w) =>
          w.definition as {
            type: string;
            time?: { liveSpan?: string };
            requests: Array<{ q?: string; aggregator?: string }>;
          },
      )
      .filter((w) => w.requests?.some((r) => r.q === 'avg:my_metric{$host}.rollup(sum, 3600)'));
    expect(rollups.map((w) => [w.type, w.time?.liveSpan])).toEqual([
      ['query_value', '1h'],
      ['timeseries', '1d'],
    ]);
    expect(rollups[0]?.requests[0]?.aggregator).toBe('sum');
  });

  it('marks the warning and alert thresholds at 500 and 800', () => {
    const first = d.body.widgets[0]?.definition as v1.TimeseriesWidgetDefinition;
    expect(first.markers?.map((m) => m.value)).toEqual(['y = 500', 'y = 800']);
  });
});

describe('APM and infrastructure dashboard', () => {
  const d = find('dashboard', 'apm-infra');
  const qs = queries(d);

  it('shows traced-api hits, errors, p50 and p95 by resource', () => {
    expect(qs).toContain(
      'sum:trace.fastify.request.hits{service:traced-api,$env} by {resource_name}.as_count()',
    );
    expect(qs).toContain(
      'sum:trace.fastify.request.errors{service:traced-api,$env} by {resource_name}.as_count()',
    );
    expect(qs).toContain('p50:trace.fastify.request{service:traced-api,$env} by {resource_name}');
    expect(qs).toContain('p95:trace.fastify.request{service:traced-api,$env} by {resource_name}');
  });

  it('shows system CPU, memory, load, Postgres connections and rows, and the monitor status', () => {
    for (const m of [
      'system.cpu.user',
      'system.mem.used',
      'system.load.1',
      'postgresql.connections',
      'postgresql.rows_fetched',
    ]) {
      expect(qs.some((q) => q.includes(`${m}{`))).toBe(true);
    }
    const status = d.body.widgets
      .map((w) => w.definition)
      .find((w) => (w as { type?: string }).type === 'manage_status') as v1.MonitorSummaryWidgetDefinition;
    expect(status.query).toBe('tag:"challenge-id:my-metric-high"');
  });
});

describe('my_metric monitor', () => {
  const m = find('monitor', 'my-metric-high') as MonitorDefinition;
  const wire = definitionWire(m) as { query: string; message: string; options: Record<string, unknown> };

  it('alerts on the 5-minute average per host above 800, warns above 500, No Data after 10 minutes', () => {
    expect(wire.query).toBe('avg(last_5m):avg:my_metric{*} by {host} > 800');
    expect(wire.options).toMatchObject({
      thresholds: { critical: 800, warning: 500 },
      notify_no_data: true,
      no_data_timeframe: 10,
      require_full_window: false,
      include_tags: true,
    });
  });

  it('says something different for Alert, Warning, No Data and Recovery, and notifies the handle', () => {
    const section = (s: string) => new RegExp(`{{#${s}}}([\\s\\S]*?){{/${s}}}`).exec(wire.message)?.[1] ?? '';
    expect(section('is_alert')).toContain('{{value}}');
    expect(section('is_alert')).toContain('{{host.ip}}');
    const texts = ['is_alert', 'is_warning', 'is_no_data', 'is_recovery'].map(section);
    expect(new Set(texts).size).toBe(4);
    expect(wire.message.trim().endsWith('@oncall@example.com')).toBe(true);
  });

  it('is caught by the lint when {{host.ip}} cannot resolve or thresholds disagree', () => {
    const ungrouped = { ...m, body: { ...m.body, query: 'avg(last_5m):avg:my_metric{*} > 800' } };
    expect(lintDefinitions([ungrouped]).join('\n')).toMatch(/not grouped by \{host\}/);
    const swapped = {
      ...m,
      body: { ...m.body, options: { ...m.body.options, thresholds: { critical: 800, warning: 900 } } },
    };
    expect(lintDefinitions([swapped]).join('\n')).toMatch(/warning 900 must come before critical 800/);
  });
});

describe('downtimes', () => {
  const weeknights = find('downtime', 'downtime-weeknights') as DowntimeDefinition;
  const weekend = find('downtime', 'downtime-weekend') as DowntimeDefinition;

  it('recur weekly in the configured zone, scoped to the monitor, and @-notify the handle', () => {
    for (const d of [weeknights, weekend]) {
      const wire = definitionWire(d) as {
        schedule: { timezone: string };
        monitor_identifier: unknown;
        message: string;
      };
      expect(wire.schedule.timezone).toBe('Europe/Paris');
      expect(wire.monitor_identifier).toEqual({
        monitor_tags: ['managed-by:dd-challenge', 'challenge-id:my-metric-high'],
      });
      expect(wire.message).toContain('@oncall@example.com');
    }
    expect(definitionWire(weeknights)).toMatchObject({
      schedule: {
        recurrences: [
          { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', duration: '14h', start: '2025-01-06T19:00:00' },
        ],
      },
    });
    expect(definitionWire(weekend)).toMatchObject({
      schedule: {
        recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA', duration: '48h', start: '2025-01-11T09:00:00' }],
      },
    });
  });

  it('mute exactly 19:00–09:00 on weeknights and all of Saturday and Sunday, Monday 00:00–09:00 included', () => {
    const windows = [weeknights, weekend].flatMap((d) => {
      const r = (d.body.schedule as v2.DowntimeScheduleRecurrencesCreateRequest)
        .recurrences[0] as v2.DowntimeScheduleRecurrenceCreateUpdateRequest;
      const w = weeklyWindows(r.rrule, r.start ?? '', r.duration);
      if ('error' in w) throw new Error(w.error);
      return w;
    });
    for (let m = 0; m < WEEK_MINUTES; m += 15) {
      const day = Math.floor(m / 1440); // 0 = Monday
      const minuteOfDay = m % 1440;
      const expected = day >= 5 || minuteOfDay < 9 * 60 || minuteOfDay >= 19 * 60;
      expect([m, isMuted(windows, m)]).toEqual([m, expected]);
    }
  });

  it('reject the overlapping designs the seed and others used', () => {
    const saturdayMidnight = {
      ...weekend,
      body: {
        ...weekend.body,
        schedule: {
          timezone: 'UTC',
          recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '2025-01-11T00:00:00', duration: '48h' }],
        },
      },
    };
    expect(lintDefinitions([weeknights, saturdayMidnight]).join('\n')).toMatch(/overlap/);
    const bothDays = {
      ...weekend,
      body: {
        ...weekend.body,
        schedule: {
          timezone: 'UTC',
          recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SA,SU', start: '2025-01-11T00:00:00', duration: '48h' }],
        },
      },
    };
    expect(lintDefinitions([bothDays]).join('\n')).toMatch(/overlap/);
  });
});

import { loadConfig, resolveTarget } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { allUp, demoOf, type PartName, partStatuses, type Seen } from './parts.ts';
import { belowError, reasonFrom } from './reason.ts';
import { renderBlock } from './render.ts';

const NOW = Date.parse('2026-12-07T12:00:00Z');

// A zone other than this machine's, so the block has to say which one the downtimes use.
const ZONE =
  Intl.DateTimeFormat().resolvedOptions().timeZone === 'Pacific/Chatham'
    ? 'Asia/Kathmandu'
    : 'Pacific/Chatham';

function demo(env: Record<string, string> = {}) {
  const config = loadConfig({ env: { DOWNTIME_TIMEZONE: ZONE, ...env }, envFile: false });
  return demoOf(config, resolveTarget(config));
}

function seen(over: Partial<Seen> = {}): Seen {
  return {
    now: NOW,
    startedAt: NOW - 300_000,
    api: true,
    postgres: true,
    tracedApi: true,
    myMetricAt: NOW - 5000,
    crashed: new Map(),
    provisioning: { state: 'done', resources: [] },
    wasUp: new Set<PartName>(),
    ...over,
  };
}

const stateOf = (statuses: ReturnType<typeof partStatuses>) =>
  Object.fromEntries(statuses.map((s) => [s.name, `${s.state}: ${s.detail}`]));

describe('partStatuses', () => {
  it('says what each part waits for while the demo starts', () => {
    const s = stateOf(
      partStatuses(
        demo(),
        seen({
          api: false,
          postgres: false,
          tracedApi: false,
          myMetricAt: undefined,
          provisioning: { state: 'waiting' },
        }),
      ),
    );
    expect(s).toEqual({
      sandbox: 'waiting: starting (the API at http://127.0.0.1:8321)',
      postgres: 'waiting: starting (PGlite opens its data folder; tens of seconds the first time)',
      'traced-api': 'waiting: waiting for Postgres',
      'metric-emitter': 'waiting: waiting for the sandbox',
      traffic: 'waiting: waiting for traced-api',
      provisioning: 'waiting: waiting for the sandbox API',
    });
  });

  it('counts the emitter up for one interval before its first point (the very first is lost while the sandbox starts)', () => {
    const early = stateOf(partStatuses(demo(), seen({ startedAt: NOW - 10_000, myMetricAt: undefined })));
    expect(early['metric-emitter']).toMatch(
      /^up: my_metric every 45s; the first point here is due by \d\d:\d\d:\d\d$/,
    );
    const late = stateOf(partStatuses(demo(), seen({ startedAt: NOW - 80_000, myMetricAt: undefined })));
    expect(late['metric-emitter']).toBe('waiting: waiting for the first my_metric point');
  });

  it('is all up once every part answers and a my_metric point is fresh', () => {
    const statuses = partStatuses(demo(), seen());
    expect(allUp(statuses)).toBe(true);
    expect(stateOf(statuses)['metric-emitter']).toMatch(
      /^up: my_metric every 45s, the latest at \d\d:\d\d:\d\d$/,
    );
  });

  it('tells down (was up, stopped answering) from starting, and names a crash', () => {
    const wasUp = new Set<PartName>(['traced-api', 'metric-emitter']);
    const s = stateOf(
      partStatuses(
        demo(),
        seen({
          tracedApi: false,
          myMetricAt: NOW - 200_000,
          wasUp,
          crashed: new Map([['traffic', 'exited with code 1: boom']]),
        }),
      ),
    );
    expect(s['traced-api']).toBe('down: http://127.0.0.1:5050 stopped answering');
    expect(s['metric-emitter']).toMatch(/^down: no my_metric point since /);
    expect(s.traffic).toBe('failed: exited with code 1: boom');
  });

  it('against Datadog: no sandbox, the emitter not checked, provisioning waits for the keys', () => {
    const d = demo({ DD_API_KEY: 'a'.repeat(32), DD_APP_KEY: 'b'.repeat(40), DD_SITE: 'datadoghq.eu' });
    const s = stateOf(partStatuses(d, seen({ myMetricAt: undefined, provisioning: { state: 'waiting' } })));
    expect(s.sandbox).toBe('off: not started: the target is Datadog (datadoghq.eu)');
    expect(s['metric-emitter']).toBe(
      'up: my_metric every 45s to the Agent at 127.0.0.1:8125 (not checked here)',
    );
    expect(s.provisioning).toBe('waiting: waiting for the Datadog API (datadoghq.eu) to accept the keys');
  });
});

describe('renderBlock', () => {
  it('holds every part, the console and API URLs, the resources and the downtime time zone', () => {
    const d = demo();
    const provisioning = {
      state: 'done' as const,
      resources: [
        { kind: 'dashboard', title: 'my_metric & PostgreSQL', url: 'http://127.0.0.1:8321/dashboard/abc' },
        { kind: 'downtime', title: 'downtime-weekend', url: 'http://127.0.0.1:8321/monitors/downtimes?id=x' },
      ],
    };
    const text = renderBlock(d, partStatuses(d, seen({ provisioning })), provisioning, {
      at: NOW,
      enterShows: true,
    });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(
      /^dd-challenge is up: every part answers, against the sandbox \(\d\d:\d\d:\d\d\)$/,
    );
    for (const part of ['sandbox', 'postgres', 'traced-api', 'metric-emitter', 'traffic', 'provisioning'])
      expect(lines.some((l) => l.startsWith(`  ${part} `))).toBe(true);
    expect(text).toContain('  Console    http://127.0.0.1:8321\n');
    expect(text).toContain('  API        http://127.0.0.1:8321 (the sandbox');
    expect(text).toContain('  Dashboard  my_metric & PostgreSQL: http://127.0.0.1:8321/dashboard/abc\n');
    expect(text).toContain(`scheduled in ${ZONE} (DOWNTIME_TIMEZONE; this machine is in `);
    expect(text).toContain('Enter, or pnpm dev:status in another shell; Ctrl-C stops every part');
    expect(text).not.toContain('downtime-weekend');
  });
});

describe('reasonFrom', () => {
  it("takes the last error a part wrote, without the log line's time and level, stack frames aside", () => {
    expect(
      reasonFrom([
        '[12:00:00.000] INFO (traced-api): waiting for the database at postgres://postgres@127.0.0.1:54329/postgres',
        '[12:00:01.000] FATAL (traced-api): could not start: listen EADDRINUSE: address already in use 127.0.0.1:5050',
        '    at Server.setupListenHandle (node:net:1940:16)',
      ]),
    ).toBe('could not start: listen EADDRINUSE: address already in use 127.0.0.1:5050');
    expect(reasonFrom(['TypeError: x is not a function', '    at main (file:///a.ts:1:1)', ''])).toBe(
      'TypeError: x is not a function',
    );
    expect(reasonFrom(['Killed'])).toBe('Killed');
  });
});

describe('belowError', () => {
  it('tells the log lines below error, readable or JSON, from errors and from raw output', () => {
    expect(belowError('[12:00:00.000] WARN (traced-api): database unavailable')).toBe(true);
    expect(belowError('[12:00:00.000] INFO (dev-postgres): closing')).toBe(true);
    expect(belowError('[12:00:00.000] ERROR (sandbox): stop failed: EIO')).toBe(false);
    expect(belowError('{"level":30,"msg":"stopped"}')).toBe(true);
    expect(belowError('{"level":60,"msg":"boom"}')).toBe(false);
    expect(belowError('Error: Cannot find module')).toBe(false);
  });
});

import { loadConfig } from '@dd-challenge/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ERRORS_WEIGHTS, EXPECTED_ERROR_STATUS, STEADY_WEIGHTS, shares } from '../src/mix.ts';
import { type TrafficSettings, trafficSettings, USER_AGENT } from '../src/settings.ts';
import { startTraffic, type TrafficRun } from '../src/traffic.ts';
import { captureLog, seeded, until } from './helpers.ts';
import { type NotesServer, type Seen, startNotesServer } from './notes-server.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The stand-in, holding 100 notes like a database that has been in use. */
async function server(port = 0): Promise<NotesServer> {
  const s = await startNotesServer(port, 100);
  cleanup.push(() => s.close());
  return s;
}

function settings(target: string, overrides: Partial<TrafficSettings>): TrafficSettings {
  return trafficSettings(loadConfig({ env: { TRAFFIC_TARGET: target }, envFile: false }), {
    backoffInitialMs: 50,
    backoffMaxMs: 200,
    // Client and server share a busy 2-core machine here: a slow answer is not what is tested.
    requestTimeoutMs: 20_000,
    ...overrides,
  });
}

function run(s: TrafficSettings, seed = 7): { run: TrafficRun; lines: Array<Record<string, unknown>> } {
  const { log, lines } = captureLog('debug');
  const r = startTraffic({ settings: s, log, random: seeded(seed) });
  cleanup.push(() => r.stop());
  return { run: r, lines };
}

/** What the server saw, as a kind per request (the inverse of planRequest). */
function kindOf(s: Seen): string {
  const path = s.path.split('?')[0]!;
  if (s.method === 'POST') return s.status === 201 ? 'createNote' : 'createBad';
  if (path === '/') return 'home';
  if (path === '/api/apm') return 'apm';
  if (path === '/api/trace') return 'trace';
  if (path === '/api/notes') return s.status === 400 ? 'listBadPaging' : 'listNotes';
  if (path.startsWith('/api/notes/')) {
    const unknown = Number(path.slice('/api/notes/'.length)) >= 900_000_000;
    if (s.method === 'DELETE') return unknown ? 'deleteUnknown' : 'deleteNote';
    return unknown ? 'getUnknown' : 'getNote';
  }
  return 'unknownRoute';
}

function shareOf(seen: Seen[], kinds: string[]): number {
  return seen.filter((s) => kinds.includes(kindOf(s))).length / seen.length;
}

describe('traffic against a traced-api stand-in (real HTTP)', () => {
  it('steady: follows the weights, every request marked synthetic, no errors', async () => {
    const api = await server();
    const { run: r, lines } = run(settings(api.url, { rps: 100, requestLimit: 300 }));
    const summary = await r.done;
    const failures = lines.filter((l) => l.level === 20).map((l) => `${l.msg} ${l.reason ?? l.status}`);
    const seen = api.traffic();
    expect(seen).toHaveLength(300);
    // shed may be > 0 on a busy machine
    expect(summary, JSON.stringify([summary.byStatus, failures.slice(0, 5)])).toMatchObject({
      sent: 300,
      errors: 0,
      unexpected: 0,
    });
    for (const s of api.seen) {
      expect(s.headers['x-synthetic']).toBe('true');
      expect(s.headers['user-agent']).toBe(USER_AGENT);
    }
    const expected = shares(STEADY_WEIGHTS);
    for (const [kind, share] of Object.entries(expected)) {
      expect(Math.abs(shareOf(seen, [kind]) - share), kind).toBeLessThan(0.05);
    }
    expect(seen.every((s) => s.status < 400)).toBe(true);
    expect(summary.p50).toBeGreaterThan(0);
    expect(summary.p95!).toBeGreaterThanOrEqual(summary.p50!);
  });

  it('errors: about 40% bad inputs and unknown ids, answered 400/404 as expected', async () => {
    const api = await server();
    const { run: r } = run(settings(api.url, { rps: 100, requestLimit: 300, mode: 'errors' }));
    const summary = await r.done;
    const seen = api.traffic();
    const bad = ['createBad', 'listBadPaging', 'getUnknown', 'deleteUnknown', 'unknownRoute'];
    expect(Math.abs(shareOf(seen, bad) - 0.4)).toBeLessThan(0.06);
    const badShares = shares(ERRORS_WEIGHTS);
    expect(Math.abs(shareOf(seen, ['getUnknown']) - badShares.getUnknown!)).toBeLessThan(0.04);
    const fourxx = seen.filter((s) => s.status >= 400).length;
    expect(summary.errors).toBe(fourxx);
    expect(summary.unexpected).toBe(0); // each bad request got the status it was meant to get
    expect(Object.keys(EXPECTED_ERROR_STATUS).length).toBeGreaterThan(0);
  });

  it('burst: a higher rate and a write-heavy mix inside the burst window', async () => {
    const api = await server();
    const burst = { periodMs: 1000, lengthMs: 400, multiplier: 5 };
    // Real HTTP; the wrapper only notes when each request was issued (arrival times at the
    // server smear across window edges on a busy machine).
    const issued: Array<{ at: number; method: string; path: string }> = [];
    const observed: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      if (url.pathname !== '/readyz')
        issued.push({ at: Date.now(), method: init?.method ?? 'GET', path: url.pathname });
      return fetch(input, init);
    };
    const { log } = captureLog();
    const r = startTraffic({
      settings: settings(api.url, { rps: 10, durationMs: 3000, mode: 'burst', burst }),
      log,
      random: seeded(11),
      send: observed,
    });
    cleanup.push(() => r.stop());
    await r.done;
    const t0 = issued[0]!.at; // the first request goes out as the run starts
    const inBurst = (at: number) => (at - t0) % burst.periodMs >= burst.periodMs - burst.lengthMs;
    const spike = issued.filter((i) => inBurst(i.at));
    const calm = issued.filter((i) => !inBurst(i.at));
    // 3 periods: 1.8 s calm at 10/s, 1.2 s burst at 50/s.
    expect(spike.length / 1.2 / (calm.length / 1.8)).toBeGreaterThan(2.5);
    const writeShare = (list: typeof issued) =>
      list.filter((i) => i.method === 'POST' || i.method === 'DELETE').length / list.length;
    expect(writeShare(spike)).toBeGreaterThan(writeShare(calm) + 0.15);
    expect(api.traffic().length).toBe(issued.length);
  });

  it('waits with backoff while the target is down, says what it waits for, then proceeds', async () => {
    const probe = await startNotesServer();
    const port = probe.port;
    await probe.close(); // nothing listens on `port` now
    const target = `http://127.0.0.1:${port}`;
    const { run: r, lines } = run(settings(target, { rps: 50, requestLimit: 20 }));
    const waits = () => lines.filter((l) => String(l.msg).startsWith('starting: waiting for traced-api'));
    await until(() => waits().length >= 3, 5000, 'three waiting lines');
    expect(waits()[0]).toMatchObject({ target: `${target}/readyz`, reason: 'ECONNREFUSED', attempt: 1 });
    // Said once at info, the retries at debug.
    expect(waits().map((l) => l.level)).toEqual([
      30,
      ...waits()
        .slice(1)
        .map(() => 20),
    ]);
    expect(String(waits()[0]!.msg)).toContain(`waiting for traced-api at ${target}/readyz (ECONNREFUSED)`);
    const delays = waits().map((l) => Number(l.retryInMs));
    expect(delays[1]!).toBeGreaterThan(delays[0]!); // backing off
    expect(r.snapshot().sent).toBe(0);

    const api = await server(port);
    const summary = await r.done;
    expect(summary.sent).toBe(20);
    expect(api.traffic()).toHaveLength(20);
    expect(lines.some((l) => l.msg === `${target} is up`)).toBe(true);
  });

  it('pauses when the target goes away mid-run and resumes when it is back', async () => {
    let api = await server();
    const port = api.port;
    const { run: r, lines } = run(settings(api.url, { rps: 100 }));
    await until(() => api.traffic().length >= 20, 5000, 'the first requests');
    await api.close();
    await until(
      () => lines.some((l) => String(l.msg).includes('stopped answering; pausing')),
      5000,
      'the pause',
    );
    await until(
      () => lines.some((l) => String(l.msg).startsWith('paused: waiting for traced-api')),
      5000,
      'a wait',
    );
    const sentWhilePaused = r.snapshot().sent;
    await new Promise((res) => setTimeout(res, 150));
    expect(r.snapshot().sent).toBe(sentWhilePaused); // nothing is sent into the void
    api = await server(port);
    await until(() => api.traffic().length >= 10, 5000, 'requests after the target came back');
    const summary = await r.stop();
    expect(summary.unexpected).toBeGreaterThanOrEqual(1); // the refused ones, counted
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPorts, isolatedDemo } from './demo-env.ts';
import { isListening } from './ports.ts';
import { SandboxApi } from './sandbox-api.ts';
import { type Ran, run } from './shell.ts';

// `pnpm dev` as a newcomer lives it: started through pnpm and turbo with the demo's own
// settings, its output piped (as turbo pipes every app, and as CI and `| tee` do), one minute of
// demo read after the status block, then Ctrl-C: a SIGINT to the process group, as a terminal
// sends it. Only the ports and data folders are the test's, so it never meets a running demo.
const START_MS = 180_000;
const DEMO_MS = 60_000;
const STOP_MS = 5_000;
const MAX_LINES_A_MINUTE = 30;

/** The anomalies() queries of the "my_metric & PostgreSQL" dashboard over the past hour, as it draws them. */
async function anomalyBands(api: SandboxApi): Promise<{ query: string; upper: number; lower: number }[]> {
  const { body: list } = await api.get<{ dashboards: { id: string; title: string }[] }>('/api/v1/dashboard');
  const id = list.dashboards.find((d) => d.title === 'my_metric & PostgreSQL')?.id;
  const { body: dashboard } = await api.get<{ widgets: { definition: { requests?: { q?: string }[] } }[] }>(
    `/api/v1/dashboard/${id}`,
  );
  const queries = dashboard.widgets
    .flatMap((w) => w.definition.requests ?? [])
    .map((r) => (r.q ?? '').replaceAll('$host', `host:${hostname()}`))
    .filter((q) => q.startsWith('anomalies('));
  const to = Math.floor(Date.now() / 1000);
  const bands = [];
  for (const query of queries) {
    const { body } = await api.get<{
      series?: { anomaly_bounds?: { upper: [number, number | null][]; lower: [number, number | null][] } }[];
    }>(`/api/v1/query?from=${to - 3600}&to=${to}&query=${encodeURIComponent(query)}`);
    const bounds = body.series?.[0]?.anomaly_bounds;
    const count = (points: [number, number | null][] | undefined) =>
      (points ?? []).filter(([, v]) => v !== null).length;
    bands.push({ query, upper: count(bounds?.upper), lower: count(bounds?.lower) });
  }
  return bands;
}

interface Line {
  readonly at: number;
  readonly text: string;
}

describe('pnpm dev, the first minutes', { timeout: START_MS + DEMO_MS + 60_000 }, () => {
  const root = findRepoRoot(import.meta.dirname);
  const data = mkdtempSync(join(tmpdir(), 'e2e-dev-'));
  const lines: Line[] = [];
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let ports: DemoPorts;
  let blockEnd = 0; // index of the first line after the status block
  let minute: Line[] = [];
  let afterStop: Line[] = [];
  let stopMs = Number.POSITIVE_INFINITY;
  let code: number | null | undefined;
  let bands: { query: string; upper: number; lower: number }[] = [];
  let status: Ran | undefined;
  let statusFileLeft = true;

  const output = () => lines.map((l) => l.text).join('\n');
  const waitFor = async (what: string, done: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${what} within ${ms} ms; output:\n${output().slice(-6000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(
    async () => {
      // The demo's own settings, whatever the developer's shell or the test runner holds.
      let env: Record<string, string>;
      ({ ports, env } = await isolatedDemo(
        data,
        /^(DD_.*|DATABASE_URL|SANDBOX_.*|LOG_.*|MY_METRIC_.*|TRAFFIC_.*|VITEST.*|NODE_OPTIONS|FORCE_COLOR)$/,
      ));
      child = spawn('pnpm', ['dev'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      exited = new Promise((resolve) => child.once('exit', (c) => resolve(c)));
      for (const stream of [child.stdout, child.stderr]) {
        let partial = '';
        stream?.on('data', (chunk: Buffer) => {
          const parts = (partial + chunk.toString()).split('\n');
          partial = parts.pop() ?? '';
          const at = Date.now();
          for (const text of parts) lines.push({ at, text });
        });
      }

      // The status block: its headline, then the rule that closes it.
      await waitFor(
        'status block',
        () => lines.some((l) => l.text.startsWith('dd-challenge is up')),
        START_MS,
      );
      const head = lines.findIndex((l) => l.text.startsWith('dd-challenge is up'));
      await waitFor(
        'end of the status block',
        () => lines.slice(head).some((l) => l.text.startsWith('───')),
        5000,
      );
      blockEnd = head + lines.slice(head).findIndex((l) => l.text.startsWith('───')) + 1;

      const demoEnds = Date.now() + DEMO_MS;
      bands = await anomalyBands(new SandboxApi(`http://127.0.0.1:${ports.sandbox}`));
      status = await run('pnpm dev:status', { cwd: root, env, timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, demoEnds - Date.now()));
      minute = lines.slice(blockEnd);

      const interrupted = Date.now();
      process.kill(-(child.pid as number), 'SIGINT');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_MS + 5000));
      const result = await Promise.race([exited, timeout]);
      if (result === 'timeout') process.kill(-(child.pid as number), 'SIGKILL');
      else {
        code = result;
        stopMs = Date.now() - interrupted;
      }
      await new Promise((r) => setTimeout(r, 200)); // the last chunk of output
      afterStop = lines.filter((l) => l.at >= interrupted);
      statusFileLeft = existsSync(join(data, 'dev-status.txt'));
    },
    START_MS + DEMO_MS + 30_000,
  );

  afterAll(() => {
    if (child?.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    rmSync(data, { recursive: true, force: true });
  });

  it(`prints at most ${MAX_LINES_A_MINUTE} lines in the minute after the status block`, () => {
    expect(minute.length, minute.map((l) => l.text).join('\n')).toBeLessThanOrEqual(MAX_LINES_A_MINUTE);
  });

  it('prints readable lines, never a JSON one, nor turbo or pnpm chatter', () => {
    const json = lines.filter((l) => /^\s*\{.*\}\s*$/.test(l.text));
    expect(json.map((l) => l.text)).toEqual([]);
    expect(output()).not.toMatch(/ELIFECYCLE|Tasks: +\d+ successful|cache bypass|• Packages in scope/);
    // Every line of an app is `[time] LEVEL (app): message`, or the block, or pnpm's echo of the script.
    const logLines = lines.filter((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+ \([\w-]+\): /.test(l.text));
    expect(logLines.length).toBeGreaterThan(5);
  });

  it('stops every part on Ctrl-C within 5 s, with one line saying so, and exits 0', async () => {
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(STOP_MS);
    expect(afterStop.map((l) => l.text)).toEqual([
      expect.stringMatching(/ INFO \(dev\): stopped every part in [\d.]+ s$/),
    ]);
    for (const port of Object.values(ports)) expect(await isListening(port), `port ${port}`).toBe(false);
  });

  it('shows the status block from another shell with pnpm dev:status while it runs, and not after', () => {
    expect(status?.code, status?.output).toBe(0);
    expect(status?.stdout).toMatch(/^dd-challenge is up: every part answers/m);
    expect(status?.stdout).toMatch(/^ {2}traced-api +up +http:\/\/127\.0\.0\.1:\d+$/m);
    expect(statusFileLeft).toBe(false);
  });

  it('gives the anomaly graphs of the PostgreSQL dashboard their upper and lower bands at once', () => {
    expect(bands.length).toBeGreaterThan(0);
    for (const b of bands) {
      expect(b.upper, b.query).toBeGreaterThan(0);
      expect(b.lower, b.query).toBeGreaterThan(0);
    }
  });
});

import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KEYS, testSandbox, until } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./fixtures/sandbox-child.ts', import.meta.url));

describe('metrics survive kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-kill9-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every flushed point, every bucket the clock has left, and series submissions after a kill -9', async () => {
    const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', CHILD, dataDir], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<{ apiUrl: string; dogstatsd: number }>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const now = Math.floor(Date.now() / 1000);
    const sock = createSocket('udp4');
    await new Promise<void>((r) =>
      sock.send('kill9.gauge:41|g\nkill9.count:5|c\nkill9.dist:3|d', first.dogstatsd, '127.0.0.1', () => r()),
    );
    sock.close();
    await until(async () => {
      const s = (await (await fetch(`${first.apiUrl}/sandbox/intake`)).json()) as {
        dogstatsd: { metric_lines: number };
      };
      return s.dogstatsd.metric_lines >= 3;
    });
    const flushed = (await (
      await fetch(`${first.apiUrl}/sandbox/metrics/flush`, { method: 'POST' })
    ).json()) as { points: number };
    expect(flushed.points).toBeGreaterThanOrEqual(3);
    const series = await fetch(`${first.apiUrl}/api/v2/series`, {
      method: 'POST',
      headers: { ...KEYS, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        series: [{ metric: 'kill9.history', type: 3, points: [{ timestamp: now - 7200, value: 7 }] }],
      }),
    });
    expect(series.status).toBe(202);
    // No flush asked for: the Agent's tick writes a bucket within a second of the clock leaving it.
    const send = (text: string) => {
      const s = createSocket('udp4');
      return new Promise<void>((r) =>
        s.send(text, first.dogstatsd, '127.0.0.1', () => {
          s.close();
          r();
        }),
      );
    };
    await send('kill9.ticked:3|c');
    const bucketEnd = (Math.floor(Date.now() / 10_000) + 1) * 10_000;
    await new Promise((r) => setTimeout(r, bucketEnd - Date.now() + 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const t = await testSandbox({ dataDir, keepData: true });
    try {
      const get = (m: string) =>
        [...t.ctx.metrics.series(m, now - 8000, now + 60)].flatMap((s) => Array.from(s.values));
      expect(get('kill9.gauge')).toEqual([41]);
      expect(get('kill9.count')).toEqual([0.5]);
      expect(get('kill9.history')).toEqual([7]);
      expect(get('kill9.ticked')).toEqual([0.3]);
      const dist = t.ctx.metrics.distribution({
        metric: 'kill9.dist',
        from: now - 60,
        to: now + 60,
        groupOf: () => '*',
        stat: 'max',
        bucketSeconds: 60,
      });
      expect(dist?.[0]?.values[0]).toBe(3);
      const [g] = [...t.ctx.metrics.series('kill9.gauge', now - 60, now + 60)];
      expect(g?.tags).toContain('host:child-host');
    } finally {
      await t.close();
    }
  }, 60_000);
});

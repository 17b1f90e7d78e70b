import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { udpReceiver, until } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('the metric-emitter process', { timeout: 40_000 }, () => {
  const receivers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('sends at start and exits 0 within 2 s of %s', async (signal) => {
    const r = await udpReceiver();
    receivers.push(r);
    const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', main], {
      env: {
        PATH: process.env.PATH,
        DD_DOGSTATSD_PORT: String(r.port),
        MY_METRIC_INTERVAL: '1s',
        DD_ENV: 'test',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => r.datagrams.length >= 1, 25_000, `the first datagram (output: ${out})`);
    expect(r.datagrams[0]).toMatch(
      /^my_metric:\d{1,4}\|g\|#role:database,mytag,env:test,service:metric-emitter,version:0\.1\.0$/,
    );
    const value = Number(/^my_metric:(\d+)/.exec(r.datagrams[0]!)![1]);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1000);

    const signalledAt = Date.now();
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(2000);
    // Readable lines in a pipe too (LOG_FORMAT defaults to pretty), the stop at debug.
    expect(out).toMatch(/^\[[\d:.]+\] INFO \(metric-emitter\): sending my_metric every 1s to udp:\/\//m);
    expect(out).toMatch(/DEBUG \(metric-emitter\): emitter stopped: \d+ points sent, 0 send errors/);
    expect(out).not.toMatch(/^\{/m);
  });

  it('refuses a bad interval with a message naming it, exit 1', async () => {
    const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', main], {
      env: { PATH: process.env.PATH, MY_METRIC_INTERVAL: 'often' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain('MY_METRIC_INTERVAL: "often" is not a duration');
  });
});

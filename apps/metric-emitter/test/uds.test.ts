import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEmitter } from '../src/emitter.ts';
import {
  captureLog,
  configFrom,
  DEFAULT_TAGS,
  loadUnixDgram,
  manualTimers,
  sequence,
  unixReceiver,
  until,
} from './helpers.ts';

const unixDgram = process.platform === 'win32' ? undefined : loadUnixDgram();
if (!unixDgram) {
  console.warn('skipping the Unix datagram socket tests: unix-dgram is not installed or not built here');
}

const dir = mkdtempSync(join(tmpdir(), 'emitter-uds-'));
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!unixDgram)('metric-emitter over a Unix datagram socket (DD_DOGSTATSD_SOCKET)', () => {
  it('sends the same exact datagrams to the socket, not to UDP, and flushes on stop', async () => {
    const path = join(dir, 'dsd.socket');
    const r = await unixReceiver(unixDgram!, path);
    cleanup.push(() => r.close());
    const { log, lines } = captureLog();
    const clock = manualTimers();
    const emitter = startEmitter({
      config: configFrom({ DD_DOGSTATSD_SOCKET: path }),
      log,
      random: sequence([0, 0.999_999_9]),
      timers: clock.timers,
    });
    expect(emitter.client.target).toBe(`unix://${path}`);
    clock.fire();
    await emitter.stop();
    await until(() => r.datagrams.length === 2, 2000, 'two datagrams on the socket');
    expect(r.datagrams).toEqual([`my_metric:0|g|#${DEFAULT_TAGS}`, `my_metric:1000|g|#${DEFAULT_TAGS}`]);
    expect(lines.at(-1)).toMatchObject({ msg: 'emitter stopped', sendErrors: 0 });
  });

  it('keeps running with no socket, logs the failure once a minute, and the first point after the Agent appears arrives', async () => {
    const path = join(dir, 'late.socket');
    const { log, lines } = captureLog();
    const clock = manualTimers();
    let now = Date.now();
    const emitter = startEmitter({
      config: configFrom({ DD_DOGSTATSD_SOCKET: path }),
      log,
      clock: () => now,
      random: () => 0.25,
      timers: clock.timers,
    });
    cleanup.push(() => emitter.stop());
    for (let i = 0; i < 5; i++) {
      now += 1000;
      clock.fire();
    }
    await until(() => emitter.client.errorCount >= 6, 2000, 'six counted send errors');
    const warnings = () => lines.filter((l) => String(l.msg).startsWith('DogStatsD send failed'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 40, target: `unix://${path}` });

    now += 60_000; // a minute later the next failure is logged again, with the count
    clock.fire();
    await until(() => warnings().length === 2, 2000, 'the second warning');
    expect(Number(warnings()[1]!.errors)).toBeGreaterThanOrEqual(7);

    const r = await unixReceiver(unixDgram!, path);
    cleanup.push(() => r.close());
    now += 1000;
    clock.fire();
    await until(() => r.datagrams.length === 1, 3000, 'the first point after the receiver appeared');
    expect(r.datagrams).toEqual([`my_metric:250|g|#${DEFAULT_TAGS}`]);
  });
});

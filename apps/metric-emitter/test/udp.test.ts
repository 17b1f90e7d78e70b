import { afterEach, describe, expect, it } from 'vitest';
import { startEmitter } from '../src/emitter.ts';
import {
  captureLog,
  configFrom,
  DEFAULT_TAGS,
  manualTimers,
  type Receiver,
  sequence,
  udpReceiver,
  until,
} from './helpers.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function receiver(): Promise<Receiver & { port: number }> {
  const r = await udpReceiver();
  cleanup.push(() => r.close());
  return r;
}

describe('metric-emitter over UDP (real hot-shots, real socket)', () => {
  it('sends exact my_metric gauges with the host and service tags, 0 and 1000 included', async () => {
    const r = await receiver();
    const { log, lines } = captureLog();
    const clock = manualTimers();
    const emitter = startEmitter({
      config: configFrom({ DD_DOGSTATSD_PORT: String(r.port), MY_METRIC_INTERVAL: '45s' }),
      log,
      random: sequence([0, 0.999_999_9, 0.5]),
      timers: clock.timers,
    });
    cleanup.push(() => emitter.stop());

    await until(() => r.datagrams.length === 1, 3000, 'the point sent at start');
    clock.fire();
    clock.fire();
    await until(() => r.datagrams.length === 3, 3000, 'three points');
    expect(r.datagrams).toEqual([
      `my_metric:0|g|#${DEFAULT_TAGS}`,
      `my_metric:1000|g|#${DEFAULT_TAGS}`,
      `my_metric:500|g|#${DEFAULT_TAGS}`,
    ]);
    // The timer is armed for the time left to the next slot (about 45 s, not more).
    expect(clock.delays[0]).toBeGreaterThan(44_000);
    expect(clock.delays[0]).toBeLessThanOrEqual(45_000);

    // One log line per point, with the value and when the next one is due.
    const points = lines.filter((l) => l.metric === 'my_metric');
    expect(points.map((l) => l.value)).toEqual([0, 1000, 500]);
    expect(points.map((l) => l.n)).toEqual([0, 1, 2]);
    for (const l of points) expect(Date.parse(String(l.next))).toBeGreaterThan(Date.now());
  });

  it('tags the emitter as its own service, takes env/version/host from the config', async () => {
    const r = await receiver();
    const { log } = captureLog();
    const base = { DD_DOGSTATSD_PORT: String(r.port), DD_SERVICE: 'traced-api' };
    const variants: Array<[Record<string, string>, string]> = [
      [{}, 'role:database,mytag,env:dev,service:metric-emitter,version:0.1.0'],
      [
        { DD_TAGS: 'team:se region:eu', DD_ENV: 'prod', DD_VERSION: '2.0.1', DD_HOSTNAME: 'db-1' },
        'team:se,region:eu,env:prod,service:metric-emitter,version:2.0.1,host:db-1',
      ],
      [{ MY_METRIC_SERVICE: 'checks' }, 'role:database,mytag,env:dev,service:checks,version:0.1.0'],
    ];
    for (const [env, tags] of variants) {
      const emitter = startEmitter({
        config: configFrom({ ...base, ...env }),
        log,
        random: () => 0.4,
        timers: manualTimers().timers,
      });
      await emitter.stop();
      await until(() => r.datagrams.length > 0, 3000, `the point with ${JSON.stringify(env)}`);
      expect(r.datagrams.splice(0)).toEqual([`my_metric:400|g|#${tags}`]);
    }
  });

  it('flushes the last point on shutdown: stop() right after a send still delivers it', async () => {
    const r = await receiver();
    const { log, lines } = captureLog();
    const clock = manualTimers();
    const emitter = startEmitter({
      config: configFrom({ DD_DOGSTATSD_PORT: String(r.port) }),
      log,
      random: sequence([0.1, 0.2, 0.3]),
      timers: clock.timers,
    });
    clock.fire();
    clock.fire();
    await emitter.stop(); // no wait between the last send and the stop
    await until(() => r.datagrams.length === 3, 2000, 'the last point');
    expect(r.datagrams.map((d) => d.split('|')[0])).toEqual([
      'my_metric:100',
      'my_metric:200',
      'my_metric:300',
    ]);
    expect(emitter.sent).toBe(3);
    expect(lines.at(-1)).toMatchObject({ level: 20, sent: 3, sendErrors: 0 });
    expect(String(lines.at(-1)?.msg)).toMatch(/^emitter stopped/);
    expect(() => clock.fire()).toThrow(/no timer armed/);
  });
});

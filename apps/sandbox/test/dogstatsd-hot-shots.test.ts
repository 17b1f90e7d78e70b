import { createSocket } from 'node:dgram';
import type { DistributionStat } from '@dd-challenge/metric-query';
import StatsD from 'hot-shots';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { HOST, query, testSandbox, until, values } from './helpers.ts';

// A fixed clock one second into a 10 s bucket: every sample lands in one bucket, flushed on demand.
const BUCKET = 1_795_000_000;
const clock = new ManualClock((BUCKET + 1) * 1000);

function send(port: number, text: string): Promise<void> {
  const sock = createSocket('udp4');
  return new Promise((resolve, reject) =>
    sock.send(text, port, '127.0.0.1', (err) => {
      sock.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

describe('DogStatsD through hot-shots', () => {
  let t: Awaited<ReturnType<typeof testSandbox>>;
  beforeAll(async () => {
    t = await testSandbox({ clock });
    const client = new StatsD({
      host: '127.0.0.1',
      port: t.sandbox.dogstatsd.port,
      globalTags: { team: 'core' },
      maxBufferSize: 8192,
      bufferFlushInterval: 50,
    });
    for (const v of [1, 2, 3]) client.gauge('hs.gauge', v);
    for (let i = 0; i < 5; i++) client.increment('hs.count');
    client.increment('hs.count', 2);
    for (let v = 1; v <= 10; v++) client.histogram('hs.hist', v);
    for (let v = 1; v <= 10; v++) client.timing('hs.timing', v * 10);
    for (const m of ['a', 'b', 'a', 'c']) client.set('hs.set', m);
    for (let v = 1; v <= 100; v++) client.distribution('hs.dist', v);
    client.gauge('hs.other_host', 7, ['host:elsewhere']);
    client.event('Déploiement ✓', 'été\nfini', { alert_type: 'success', aggregation_key: 'deploy' }, [
      'stage:one',
    ]);
    client.check('hs.service_check', client.CHECKS.WARNING, { message: 'degraded' }, ['svc:x']);
    await new Promise<void>((resolve, reject) => client.close((err) => (err ? reject(err) : resolve())));
    // Sample rates: hot-shots drops samples at random client-side, so these go raw.
    await send(
      t.sandbox.dogstatsd.port,
      'raw.count:1|c|@0.5\nraw.count:1|c|@0.5\nraw.hist:10|h|@0.5\nraw.hist:20|h\nraw.hist:30|h|@0.25',
    );
    const expectedLines = 3 + 6 + 10 + 10 + 4 + 100 + 1 + 2 + 5;
    await until(() => t.ctx.intake.stats.lines >= expectedLines, 5000, 'every line');
    t.ctx.agent.flush();
  });
  afterAll(() => t.close());

  const q = (text: string) => query(t.sandbox.apiUrl, text, BUCKET - 60, BUCKET + 60);

  it('keeps the last gauge value, with the host and DD_TAGS', async () => {
    const { status, body } = await q('avg:hs.gauge{*}');
    expect(status).toBe(200);
    expect(values(body)).toEqual([3]);
    const [series] = [...t.ctx.metrics.series('hs.gauge', BUCKET - 60, BUCKET + 60)];
    expect(series?.tags).toEqual(['host:sandbox-test-host', 'mytag', 'role:database', 'team:core']);
    expect(series?.type).toBe('gauge');
    expect(Array.from(series?.times ?? [])).toEqual([BUCKET]);
  });

  it('turns counts into a rate per second over the 10 s bucket', async () => {
    expect(values((await q('sum:hs.count{*}')).body)).toEqual([0.7]);
    const [series] = [...t.ctx.metrics.series('hs.count', BUCKET - 60, BUCKET + 60)];
    expect(series?.type).toBe('rate');
    expect(series?.interval).toBe(10);
    // 1/0.5 + 1/0.5 = 4 -> 0.4 per second
    expect(values((await q('sum:raw.count{*}')).body)).toEqual([0.4]);
  });

  it('aggregates histograms and timings with the Agent rules', async () => {
    const get = async (m: string) => values((await q(`avg:${m}{*}`)).body)[0];
    expect(await get('hs.hist.avg')).toBe(5.5);
    expect(await get('hs.hist.count')).toBe(1);
    expect(await get('hs.hist.median')).toBe(5);
    expect(await get('hs.hist.95percentile')).toBe(10);
    expect(await get('hs.hist.max')).toBe(10);
    expect(await get('hs.timing.median')).toBe(50);
    expect(await get('hs.timing.avg')).toBe(55);
    // weights 2, 1, 4: count 7; avg (20+20+120)/7; median target 3 -> 20 (cum 2,3,7 -> first > 3 is 30)
    expect(await get('raw.hist.count')).toBeCloseTo(0.7, 10);
    expect(await get('raw.hist.avg')).toBeCloseTo(160 / 7, 10);
    expect(await get('raw.hist.median')).toBe(30);
  });

  it('counts unique set members', async () => {
    expect(values((await q('avg:hs.set{*}')).body)).toEqual([3]);
  });

  it('keeps distributions as sketches with their percentiles', () => {
    /** The one value of hs.dist's minute bucket for a statistic. */
    const stat = (s: DistributionStat) =>
      t.ctx.metrics.distribution({
        metric: 'hs.dist',
        from: BUCKET - 60,
        to: BUCKET + 60,
        groupOf: () => '*',
        stat: s,
        bucketSeconds: 60,
      })?.[0]?.values[0];
    const p95 = stat({ quantile: 0.95 }) as number;
    expect(Math.abs(p95 - 95) / 95).toBeLessThan(0.01);
    expect(stat('count')).toBe(100);
    expect(stat('avg')).toBeCloseTo(50.5, 10);
  });

  it('keeps an explicit host tag instead of the sandbox host', () => {
    const [series] = [...t.ctx.metrics.series('hs.other_host', BUCKET - 60, BUCKET + 60)];
    expect(series?.tags).toContain('host:elsewhere');
    expect(series?.tags).not.toContain(`host:${HOST}`);
    expect(t.ctx.hosts.get('elsewhere')).toBeDefined();
    expect(t.ctx.hosts.get(HOST)?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('reads events with hot-shots UTF-16 lengths and service checks', async () => {
    const [event] = t.ctx.intake.bus.recentEvents;
    expect(event).toMatchObject({
      title: 'Déploiement ✓',
      text: 'été\nfini',
      alert_type: 'success',
      aggregation_key: 'deploy',
      host: HOST,
    });
    expect(event?.tags).toContain('stage:one');
    const [sc] = t.ctx.intake.bus.recentServiceChecks;
    expect(sc).toMatchObject({ check: 'hs.service_check', status: 1, message: 'degraded' });
    const stored = t.ctx.store.events.list({});
    expect(JSON.stringify(stored)).toContain('Déploiement ✓');
    expect(t.ctx.intake.stats.errorCount).toBe(0);
  });
});

import type { SeriesType } from '../../metrics/points.ts';
import type { RoutePlugin } from '../plugin.ts';

class BadSeries extends Error {}

/** v2 MetricIntakeType: 0 unspecified, 1 count, 2 rate, 3 gauge. */
const V2_TYPES: Record<number, SeriesType> = { 0: 'gauge', 1: 'count', 2: 'rate', 3: 'gauge' };

function tagsOf(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string'))
    throw new BadSeries(`${where}.tags must be an array of strings`);
  return v as string[];
}

function metricOf(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new BadSeries(`${where}.metric must be a non-empty string`);
  return v;
}

/** A series body may carry days of seeded history at once: more room than other bodies get. */
const SERIES_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Metric submission as the official client's MetricsApi sends it: POST /api/v2/series
 * (`{series:[{metric,type,points:[{timestamp,value}],tags,resources,interval}]}`, answered 202
 * `{"errors":[]}`) and POST /api/v1/series (`{series:[{metric,points:[[ts,v]],type,host,tags,interval}]}`,
 * 202 `{"status":"ok"}`); gzip, deflate and zstd bodies (body.ts). Unlike Datadog, past points
 * are kept whatever their age within the retention window (history for tests and demos).
 */
export const seriesRoutes: RoutePlugin = async (app, { ctx }) => {
  const write = (points: Array<() => number>): number => {
    let n = 0;
    for (const w of points) n += w();
    ctx.intake.stats.seriesRequests++;
    ctx.intake.stats.seriesPoints += n;
    return n;
  };

  /**
   * The part both versions share: the `series` array checked, every entry parsed by `parse`
   * (which throws BadSeries) before any is written, 400 naming the entry, else `accepted`.
   */
  const seriesRoute = (
    path: string,
    parse: (s: Record<string, unknown>, where: string) => () => number,
    accepted: object,
  ): void => {
    app.post(path, { bodyLimit: SERIES_BODY_LIMIT }, async (request, reply) => {
      const body = request.body as { series?: unknown } | undefined;
      try {
        if (!body || !Array.isArray(body.series)) throw new BadSeries('series must be an array');
        const writes = body.series.map((raw: unknown, i: number) => {
          const where = `series[${i}]`;
          if (typeof raw !== 'object' || raw === null) throw new BadSeries(`${where} must be an object`);
          const s = raw as Record<string, unknown>;
          return parse(s, where);
        });
        write(writes);
      } catch (error) {
        if (error instanceof BadSeries) {
          ctx.intake.stats.error('invalid series payload');
          return reply.code(400).send({ errors: [error.message] });
        }
        throw error;
      }
      return reply.code(202).send(accepted);
    });
  };

  seriesRoute(
    '/api/v2/series',
    (s, where) => {
      const metric = metricOf(s.metric, where);
      const type = V2_TYPES[(s.type as number | undefined) ?? 0];
      if (type === undefined) throw new BadSeries(`${where}.type must be 0, 1, 2 or 3`);
      if (!Array.isArray(s.points) || s.points.length === 0)
        throw new BadSeries(`${where}.points must be a non-empty array`);
      const points = s.points.map((p: unknown, j: number) => {
        const q = p as { timestamp?: unknown; value?: unknown } | null;
        if (!q || typeof q.timestamp !== 'number' || typeof q.value !== 'number') {
          throw new BadSeries(`${where}.points[${j}] must be {timestamp, value} numbers`);
        }
        return [q.timestamp, q.value] as const;
      });
      const tags = tagsOf(s.tags, where);
      const resources = Array.isArray(s.resources)
        ? (s.resources as Array<{ name?: unknown; type?: unknown }>)
        : [];
      const hostRes = resources.find((r) => r && r.type === 'host' && typeof r.name === 'string');
      const interval = typeof s.interval === 'number' ? s.interval : type === 'gauge' ? 0 : 10;
      return () =>
        ctx.metrics.submit(metric, tags, type, interval, points, {
          host: hostRes?.name as string | undefined,
        });
    },
    { errors: [] },
  );

  seriesRoute(
    '/api/v1/series',
    (s, where) => {
      const metric = metricOf(s.metric, where);
      const type = (s.type ?? 'gauge') as SeriesType;
      if (type !== 'gauge' && type !== 'rate' && type !== 'count')
        throw new BadSeries(`${where}.type must be gauge, rate or count`);
      if (!Array.isArray(s.points) || s.points.length === 0)
        throw new BadSeries(`${where}.points must be a non-empty array`);
      const points = s.points.map((p: unknown, j: number) => {
        if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
          throw new BadSeries(`${where}.points[${j}] must be [timestamp, value]`);
        }
        return [p[0], p[1]] as const;
      });
      const tags = tagsOf(s.tags, where);
      const interval = typeof s.interval === 'number' ? s.interval : type === 'gauge' ? 0 : 10;
      const host = typeof s.host === 'string' ? s.host : undefined;
      return () => ctx.metrics.submit(metric, tags, type, interval, points, { host });
    },
    { status: 'ok' },
  );
};

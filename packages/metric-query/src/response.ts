/** Datadog's `GET /api/v1/query` response body, built from evaluated series. */

import type { Grid } from './rollup.ts';
import type { Evaluated } from './series.ts';

export type Point = [number, number | null];

export interface QuerySeries {
  readonly metric: string;
  readonly display_name: string;
  readonly scope: string;
  readonly tag_set: readonly string[];
  /** `[ms, value]`, only buckets that hold a point. */
  readonly pointlist: Point[];
  /** Rollup interval in seconds. */
  readonly interval: number;
  /** Start of the first bucket and end of the last one (ms, end inclusive as Datadog prints it). */
  readonly start: number;
  readonly end: number;
  readonly aggr: string | null;
  readonly expression: string;
  readonly length: number;
  readonly unit: null;
  readonly query_index: number;
  /** Sandbox extension for anomalies(): the expected band at each point of `pointlist`. */
  readonly anomaly_bounds?: { readonly upper: Point[]; readonly lower: Point[] };
}

export interface QueryResponse {
  readonly status: 'ok';
  readonly res_type: 'time_series';
  readonly from_date: number;
  readonly to_date: number;
  readonly query: string;
  readonly series: QuerySeries[];
  readonly group_by: readonly string[];
  readonly message: string;
}

/** `[ms, v]`, or `[ms, null]` where v is not finite (a band without enough history). */
function bandPoint(ms: number, v: number): Point {
  return [ms, Number.isFinite(v) ? v : null];
}

/** Builds the response for `query` over [from, to] (UNIX seconds). */
export function buildResponse(
  query: string,
  groupBy: readonly string[],
  r: Evaluated,
  from: number,
  to: number,
  fallback: Grid,
): QueryResponse {
  const grid = r.kind === 'series' ? r.grid : fallback;
  const list =
    r.kind === 'series'
      ? r.series
      : [
          {
            metric: '',
            tags: [],
            scope: '*',
            aggr: null,
            expression: String(r.value),
            values: new Float64Array(grid.length).fill(r.value),
            bands: undefined,
          },
        ];
  const series = list.map((s): QuerySeries => {
    const pointlist: Point[] = [];
    const upper: Point[] = [];
    const lower: Point[] = [];
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const ms = (grid.start + i * grid.interval) * 1000;
      pointlist.push([ms, v]);
      if (s.bands) {
        upper.push(bandPoint(ms, s.bands.upper[i]!));
        lower.push(bandPoint(ms, s.bands.lower[i]!));
      }
    });
    const first = pointlist[0]?.[0] ?? grid.start * 1000;
    const last = pointlist[pointlist.length - 1]?.[0] ?? grid.start * 1000;
    return {
      metric: s.metric,
      display_name: s.metric,
      scope: s.scope,
      tag_set: [...s.tags],
      pointlist,
      interval: grid.interval,
      start: first,
      end: last + grid.interval * 1000 - 1,
      aggr: s.aggr,
      expression: s.expression,
      length: pointlist.length,
      unit: null,
      query_index: 0,
      ...(s.bands ? { anomaly_bounds: { upper, lower } } : {}),
    };
  });
  return {
    status: 'ok',
    res_type: 'time_series',
    from_date: from * 1000,
    to_date: to * 1000,
    query,
    series,
    group_by: groupBy,
    message: '',
  };
}

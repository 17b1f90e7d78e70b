/** Datadog's `GET /api/v1/query` response body, built from evaluated series. */
import type { Evaluated } from './evaluate.ts';
import type { Grid } from './rollup.ts';

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

/**
 * `[ms, v]`, or `[ms, null]` where v is not finite. Two literals on purpose: V8 tracks element
 * kinds per allocation site, so one literal that sometimes holds null would make every band
 * point a generic array with both numbers boxed (two more heap objects per point).
 */
function bandPoint(ms: number, v: number): Point {
  return Number.isFinite(v) ? [ms, v] : [ms, null];
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
    // Sized up front: a week of 10 s points is 60,480 entries per array.
    let count = 0;
    for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) count++;
    const pointlist: Point[] = new Array(count);
    const upper: Point[] = s.bands ? new Array(count) : [];
    const lower: Point[] = s.bands ? new Array(count) : [];
    const values = s.values;
    let k = 0;
    if (s.bands) {
      const { upper: up, lower: lo } = s.bands;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        const ms = (grid.start + i * grid.interval) * 1000;
        pointlist[k] = [ms, v];
        upper[k] = bandPoint(ms, up[i]!);
        lower[k] = bandPoint(ms, lo[i]!);
        k++;
      }
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        pointlist[k++] = [(grid.start + i * grid.interval) * 1000, v];
      }
    }
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

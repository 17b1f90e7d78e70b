import { randomBytes } from 'node:crypto';
import { evaluate } from '@dd-challenge/metric-query';
import type { FastifyRequest } from 'fastify';
import type { Json } from '../../db/types.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import { type Query, queryInt, queryString, queryTimeRange } from '../params.ts';
import type { RoutePlugin } from '../plugin.ts';
import { type ChartSeries, renderChartSvg } from './chart.ts';
import { svgToPng } from './render.ts';

/** The metric queries of a graph_def (`requests[].q` or `requests[].queries[].query`). */
export function queriesOfGraphDef(graphDef: string): string[] {
  let def: unknown;
  try {
    def = JSON.parse(graphDef);
  } catch {
    throw badRequest("The value provided for parameter 'graph_def' is invalid: not JSON");
  }
  const requests = (def as { requests?: unknown }).requests;
  const list = Array.isArray(requests)
    ? requests
    : requests && typeof requests === 'object'
      ? [requests]
      : [];
  const out: string[] = [];
  for (const r of list as Record<string, unknown>[]) {
    if (typeof r.q === 'string') out.push(...r.q.split(/,(?![^{]*\})/).map((s) => s.trim()));
    if (Array.isArray(r.queries))
      for (const q of r.queries) if (typeof q?.query === 'string') out.push(q.query);
  }
  if (out.length === 0)
    throw badRequest(
      "The value provided for parameter 'graph_def' is invalid: it has no request with a query",
    );
  return out;
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

/** GET /api/v1/graph/snapshot renders a PNG now and answers its URL; GET /snapshot/view/<id>.png serves it. */
export const snapshotRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get<{ Querystring: Query }>('/api/v1/graph/snapshot', async (request) => {
    const q = request.query;
    const { start, end } = queryTimeRange(q);
    if (end <= start) throw badRequest("'end' must be after 'start'");
    const metricQuery = queryString(q.metric_query);
    const graphDef = queryString(q.graph_def);
    if (!metricQuery && !graphDef)
      throw badRequest("One of the parameters 'metric_query' or 'graph_def' is required");
    const queries = graphDef ? queriesOfGraphDef(graphDef) : [metricQuery as string];
    const width = Math.min(Math.max(queryInt(q.width, 'width') ?? 800, 200), 2000);
    const height = Math.min(Math.max(queryInt(q.height, 'height') ?? 400, 120), 1200);
    const series: ChartSeries[] = [];
    for (const text of queries) {
      const result = evaluate(text, { source: ctx.metrics, from: start, to: end });
      if (!result.ok)
        throw badRequest(
          `The value provided for parameter 'metric_query' is invalid: ${result.error.message}`,
        );
      for (const s of result.value.series)
        series.push({
          name: `${s.display_name || s.expression}${s.tag_set.length ? ` {${s.tag_set.join(',')}}` : ''}`,
          points: s.pointlist,
        });
    }
    const title = queryString(q.title) ?? queries.join(', ');
    const svg = renderChartSvg({ title, from: start * 1000, to: end * 1000, width, height, series });
    const png = svgToPng(svg);
    const id = randomBytes(12).toString('hex');
    const meta: { [key: string]: Json } = { title, queries, start, end };
    ctx.store.snapshots.insert(id, png, meta, ctx.clock.now());
    return {
      snapshot_url: `${baseUrl(request)}/snapshot/view/${id}.png`,
      graph_def: graphDef ?? JSON.stringify({ requests: [{ q: metricQuery }] }),
      metric_query: metricQuery ?? queries.join(', '),
    };
  });
  methodNotAllowed(app, '/api/v1/graph/snapshot', ['GET']);

  app.get<{ Params: { file: string } }>('/snapshot/view/:file', async (request, reply) => {
    const id = request.params.file.replace(/\.png$/, '');
    const found = /^[0-9a-f]{24}$/.test(id) ? ctx.store.snapshots.get(id) : undefined;
    if (!found) throw notFound('Snapshot not found');
    return reply
      .header('content-type', 'image/png')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(Buffer.from(found.png));
  });
};

/**
 * The engine's inspection routes (sandbox extensions, under /sandbox/):
 * POST /sandbox/monitors/preview, GET /sandbox/monitors/:id/preview, GET /sandbox/monitors/:id/history,
 * GET /sandbox/downtimes/calendar.
 */
import { downtimeCalendar } from '../../downtimes/calendar.ts';
import type { MonitorDefinition } from '../../monitors/definition.ts';
import { previewMonitor } from '../../monitors/preview.ts';
import { badRequest, notFound } from '../errors.ts';
import type { RoutePlugin } from '../plugin.ts';

const DAY = 86_400_000;

/** A time given as UNIX seconds (number or digits) or an ISO-8601 string; epoch ms out. */
function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return seconds * 1000;
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw badRequest(`${name} must be UNIX seconds or an ISO-8601 time, got ${JSON.stringify(value)}`);
}

function monitorId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`monitor id must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const missing = (id: number) => notFound(`Monitor not found: ${id}`);

export const monitorEngineRoutes: RoutePlugin = async (app, { ctx }) => {
  const engine = ctx.monitors;
  app.post('/sandbox/monitors/preview', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object')
      throw badRequest('expected a JSON body {monitor: {query, message, options}, from, to}');
    const monitor = (body.monitor ?? body) as MonitorDefinition;
    if (typeof monitor.query !== 'string')
      throw badRequest('monitor.query is required (a metric monitor query)');
    const to = parseTime(body.to, 'to') ?? ctx.clock.now();
    const from = parseTime(body.from, 'from') ?? to - DAY;
    const result = previewMonitor(monitor, from, to, engine.environment());
    if (!result.ok) throw badRequest(result.error);
    return result.value;
  });

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
    '/sandbox/monitors/:id/preview',
    async (request) => {
      const id = monitorId(request.params.id);
      const stored = ctx.store.monitors.get(id);
      if (!stored) throw missing(id);
      const to = parseTime(request.query.to, 'to') ?? ctx.clock.now();
      const created = typeof stored.doc.created_at === 'number' ? stored.doc.created_at : to - DAY;
      const from = parseTime(request.query.from, 'from') ?? Math.max(created, to - DAY);
      const result = previewMonitor(stored.doc, from, to, engine.environment());
      if (!result.ok) throw badRequest(result.error);
      return { monitor_id: id, ...result.value };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { since?: string; limit?: string; group?: string } }>(
    '/sandbox/monitors/:id/history',
    async (request) => {
      const id = monitorId(request.params.id);
      const stored = ctx.store.monitors.get(id);
      if (!stored) throw missing(id);
      const since = parseTime(request.query.since, 'since');
      const limit = request.query.limit === undefined ? 500 : Number(request.query.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw badRequest('limit must be a positive integer');
      const history = ctx.store.monitors.history(id, { since, limit, group: request.query.group });
      return {
        monitor_id: id,
        overall_state: stored.state.overallState,
        overall_state_modified: stored.state.overallStateModified,
        evaluated_at: stored.state.evaluatedAt,
        evaluation_error: engine.errorOf(id) ?? null,
        groups: stored.state.groups,
        history: history.map((h) => ({ ...h, at: new Date(h.at).toISOString(), at_ms: h.at })),
      };
    },
  );

  app.get<{ Querystring: { from?: string; days?: string } }>(
    '/sandbox/downtimes/calendar',
    async (request) => {
      const from = parseTime(request.query.from, 'from') ?? ctx.clock.now();
      const days = request.query.days === undefined ? 7 : Number(request.query.days);
      if (!(days > 0 && days <= 62)) throw badRequest('days must be between 1 and 62');
      const downtimes = ctx.store.downtimes.list().filter((d) => d.canceled === null || d.canceled > from);
      return {
        from: new Date(from).toISOString(),
        to: new Date(from + days * DAY).toISOString(),
        windows: downtimeCalendar(downtimes, from, from + days * DAY),
      };
    },
  );
};

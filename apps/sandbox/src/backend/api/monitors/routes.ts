import type { SandboxContext } from '../../../context.ts';
import type { Json, JsonObject, MonitorDoc, StoredMonitor } from '../../db/types.ts';
import { appliesToMonitor } from '../../downtimes/match.ts';
import { currentOrNextWindow, downtimeStatus } from '../../downtimes/schedule.ts';
import { scopesOf } from '../../monitors/search.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import { type Query, queryInt, queryString } from '../params.ts';
import type { RoutePlugin } from '../plugin.ts';
import { sandboxUser } from '../user.ts';
import { validateBody } from '../validation.ts';
import { newMonitorDoc, storedType, thresholdProblem, updatedMonitorDoc } from './doc.ts';
import { type CheckedQuery, checkMonitorQuery } from './query.ts';
import { searchResponse } from './search.ts';
import { groupStatesFilter, monitorView } from './view.ts';

const NOT_FOUND = 'Monitor not found';

type Params = { monitor_id: string };

function monitorId(text: string): number {
  if (!/^\d+$/.test(text)) throw notFound(NOT_FOUND);
  return Number(text);
}

/** Validates a full monitor body (create, validate); returns its checked query or throws 400. */
function checkCreate(
  ctx: SandboxContext,
  body: unknown,
  model: 'Monitor' | 'MonitorUpdateRequest',
): CheckedQuery {
  const problems = validateBody(body, model, 'v1');
  if (problems.length) throw badRequest(problems);
  const b = body as JsonObject;
  return checkQueryAndOptions(
    ctx,
    String(b.type),
    String(b.query),
    (b.options as JsonObject | undefined) ?? {},
  );
}

function checkQueryAndOptions(
  ctx: SandboxContext,
  type: string,
  query: string,
  options: JsonObject,
): CheckedQuery {
  const checked = checkMonitorQuery(type, query);
  if (!checked.ok) throw badRequest(checked.error);
  const problem = thresholdProblem(options, checked.value);
  if (problem) throw badRequest(problem);
  if (type === 'composite') {
    const missing = [...query.matchAll(/\d+/g)]
      .map((m) => Number(m[0]))
      .filter((id) => !ctx.store.monitors.get(id));
    if (missing.length)
      throw badRequest(`Composite monitor references monitors that do not exist: ${missing.join(', ')}`);
  }
  return checked.value;
}

/** Composite monitors whose query names this id. */
function referencingComposites(all: StoredMonitor[], id: number): number[] {
  return all
    .filter((m) => m.doc.type === 'composite' && new RegExp(`\\b${id}\\b`).test(m.doc.query))
    .map((m) => m.doc.id);
}

/** v1 `matching_downtimes` of a monitor (ids as integers, as the v1 model types them). */
function matchingDowntimes(ctx: SandboxContext, doc: MonitorDoc): Json[] {
  const now = ctx.clock.now();
  return ctx.store.downtimes
    .list()
    .filter((d) => appliesToMonitor(d, doc) && ['active', 'scheduled'].includes(downtimeStatus(d, now)))
    .map((d) => {
      const w = currentOrNextWindow(d.schedule, now);
      return {
        id: Number.parseInt(d.id.replace(/-/g, '').slice(0, 12), 16),
        start: w ? Math.floor(w.start / 1000) : null,
        end: w?.end ? Math.floor(w.end / 1000) : null,
        scope: [d.scope],
        active: downtimeStatus(d, now) === 'active',
      };
    });
}

function view(ctx: SandboxContext, stored: StoredMonitor, query: Query): JsonObject {
  return monitorView(stored, {
    groupStates: groupStatesFilter(queryString(query.group_states)),
    matchingDowntimes:
      queryString(query.with_downtimes) === 'true' ? matchingDowntimes(ctx, stored.doc) : undefined,
  });
}

/** /api/v1/monitor and its sub-resources. */
export const monitorRoutes: RoutePlugin = async (app, { ctx }) => {
  const { monitors } = ctx.store;

  app.post('/api/v1/monitor', async (request) => {
    const checked = checkCreate(ctx, request.body, 'Monitor');
    const user = sandboxUser(ctx);
    const stored = monitors.create((id) =>
      newMonitorDoc(id, request.body as JsonObject, checked, ctx.clock.now(), user),
    );
    return monitorView(stored);
  });

  app.get<{ Querystring: Query }>('/api/v1/monitor', async (request) => {
    const q = request.query;
    const name = queryString(q.name)?.toLowerCase();
    const scopeTags = queryString(q.tags)?.split(',').filter(Boolean) ?? [];
    const monitorTags = queryString(q.monitor_tags)?.split(',').filter(Boolean) ?? [];
    const idOffset = queryInt(q.id_offset, 'id_offset') ?? 0;
    const page = queryInt(q.page, 'page');
    const pageSize = Math.min(queryInt(q.page_size, 'page_size') ?? 100, 1000);
    let found = monitors
      .list()
      .filter(
        (m) =>
          m.doc.id > idOffset &&
          (!name || m.doc.name.toLowerCase().includes(name)) &&
          scopeTags.every((t) => scopesOf(m.doc.query).includes(t)) &&
          monitorTags.every((t) => m.doc.tags.includes(t)),
      );
    if (page !== undefined) found = found.slice(page * pageSize, (page + 1) * pageSize);
    return found.map((m) => view(ctx, m, q));
  });
  methodNotAllowed(app, '/api/v1/monitor', ['GET', 'POST']);

  app.get<{ Querystring: Query }>('/api/v1/monitor/search', async (request) => {
    const q = request.query;
    const page = queryInt(q.page, 'page') ?? 0;
    const perPage = queryInt(q.per_page, 'per_page') ?? 30;
    if (perPage < 1 || page < 0) throw badRequest("'page' must be >= 0 and 'per_page' >= 1");
    return searchResponse(monitors.list(), queryString(q.query) ?? '', page, perPage);
  });
  methodNotAllowed(app, '/api/v1/monitor/search', ['GET']);

  app.get<{ Querystring: Query }>('/api/v1/monitor/can_delete', async (request, reply) => {
    const text = queryString(request.query.monitor_ids);
    if (!text) throw badRequest("The parameter 'monitor_ids' is required");
    const ids = text.split(',').map((s) => s.trim());
    const all = monitors.list();
    const ok: number[] = [];
    const errors: Record<string, string[]> = {};
    for (const raw of ids) {
      if (!/^\d+$/.test(raw))
        throw badRequest(`Invalid value for parameter 'monitor_ids': '${raw}' is not an integer`);
      const id = Number(raw);
      const refs = referencingComposites(all, id);
      if (!monitors.get(id)) errors[raw] = [NOT_FOUND];
      else if (refs.length)
        errors[raw] = [`monitor [${id}] is referenced in composite monitors: [${refs.join(', ')}]`];
      else ok.push(id);
    }
    if (Object.keys(errors).length) return reply.code(409).send({ data: { ok }, errors });
    return { data: { ok }, errors: null };
  });
  methodNotAllowed(app, '/api/v1/monitor/can_delete', ['GET']);

  app.post('/api/v1/monitor/validate', async (request) => {
    checkCreate(ctx, request.body, 'Monitor');
    return {};
  });
  methodNotAllowed(app, '/api/v1/monitor/validate', ['POST']);

  app.get<{ Params: Params; Querystring: Query }>('/api/v1/monitor/:monitor_id', async (request) => {
    const stored = monitors.get(monitorId(request.params.monitor_id));
    if (!stored) throw notFound(NOT_FOUND);
    return view(ctx, stored, request.query);
  });

  app.put<{ Params: Params }>('/api/v1/monitor/:monitor_id', async (request) => {
    const id = monitorId(request.params.monitor_id);
    const old = monitors.get(id);
    if (!old) throw notFound(NOT_FOUND);
    const problems = validateBody(request.body, 'MonitorUpdateRequest', 'v1');
    if (problems.length) throw badRequest(problems);
    const body = request.body as JsonObject;
    if (typeof body.type === 'string' && storedType(body.type) !== old.doc.type) {
      throw badRequest(`The monitor type cannot be changed (from '${old.doc.type}' to '${body.type}')`);
    }
    const type = old.doc.type;
    const query = typeof body.query === 'string' ? body.query : old.doc.query;
    const checked = checkQueryAndOptions(
      ctx,
      type,
      query,
      (body.options as JsonObject | undefined) ?? old.doc.options,
    );
    const next = updatedMonitorDoc(old.doc, body, checked, ctx.clock.now());
    if (!monitors.replace(id, next)) throw notFound(NOT_FOUND);
    return monitorView(monitors.get(id) as StoredMonitor);
  });

  app.delete<{ Params: Params; Querystring: Query }>('/api/v1/monitor/:monitor_id', async (request) => {
    const id = monitorId(request.params.monitor_id);
    if (!monitors.get(id)) throw notFound(NOT_FOUND);
    const refs = referencingComposites(monitors.list(), id);
    if (refs.length && queryString(request.query.force) !== 'true') {
      throw badRequest(`monitor [${id}] is referenced in composite monitors: [${refs.join(', ')}]`);
    }
    monitors.delete(id);
    return { deleted_monitor_id: id };
  });
  methodNotAllowed(app, '/api/v1/monitor/:monitor_id', ['GET', 'PUT', 'DELETE']);

  app.post<{ Params: Params }>('/api/v1/monitor/:monitor_id/validate', async (request) => {
    const id = monitorId(request.params.monitor_id);
    if (!monitors.get(id)) throw notFound(NOT_FOUND);
    checkCreate(ctx, request.body, 'Monitor');
    return {};
  });
  methodNotAllowed(app, '/api/v1/monitor/:monitor_id/validate', ['POST']);
};

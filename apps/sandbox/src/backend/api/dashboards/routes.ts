import type { JsonObject } from '../../db/types.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import { type Query, queryBool, queryInt } from '../params.ts';
import type { RoutePlugin } from '../plugin.ts';
import { sandboxUser } from '../user.ts';
import { validateBody } from '../validation.ts';
import { dashboardDoc, dashboardSummary, newDashboardId, templateVariablesProblem } from './doc.ts';

type Params = { dashboard_id: string };

const missing = (id: string) => notFound(`Dashboard with ID ${id} not found`);

function checkBody(body: unknown): JsonObject {
  const problems = validateBody(body, 'Dashboard', 'v1');
  if (problems.length) throw badRequest(problems);
  const b = body as JsonObject;
  const tv = templateVariablesProblem(b.template_variables);
  if (tv) throw badRequest(tv);
  return b;
}

/** /api/v1/dashboard: create, get, update, delete, list (+ bulk delete and restore). */
export const dashboardRoutes: RoutePlugin = async (app, { ctx }) => {
  const { dashboards } = ctx.store;

  app.post('/api/v1/dashboard', async (request) => {
    const body = checkBody(request.body);
    const now = ctx.clock.now();
    const user = sandboxUser(ctx);
    for (;;) {
      const id = newDashboardId();
      const doc = dashboardDoc(id, body, user, now, now);
      if (dashboards.insert(id, doc, now)) return doc;
    }
  });

  app.get<{ Querystring: Query }>('/api/v1/dashboard', async (request) => {
    const q = request.query;
    const shared = queryBool(q['filter[shared]'], 'filter[shared]');
    const deleted = queryBool(q['filter[deleted]'], 'filter[deleted]') ?? false;
    const start = queryInt(q.start, 'start') ?? 0;
    const count = queryInt(q.count, 'count');
    // The sandbox has no shared dashboards: filter[shared]=true finds none.
    if (shared === true) return { dashboards: [] };
    const list = dashboards.list({ deleted, start, count });
    return { dashboards: list.map((d) => dashboardSummary(d.doc, d.deletedAt)) };
  });

  app.delete('/api/v1/dashboard', async (request, reply) => {
    const ids = bulkIds(request.body, 'DashboardBulkDeleteRequest');
    const unknown = ids.filter((id) => !dashboards.get(id) || dashboards.get(id)?.deletedAt !== null);
    if (unknown.length) throw notFound(`Dashboards with IDs ${unknown.join(', ')} not found`);
    for (const id of ids) dashboards.delete(id, ctx.clock.now());
    return reply.code(204).send();
  });

  app.patch('/api/v1/dashboard', async (request, reply) => {
    const ids = bulkIds(request.body, 'DashboardRestoreRequest');
    const unknown = ids.filter((id) => dashboards.get(id)?.deletedAt == null);
    if (unknown.length) throw notFound(`Deleted dashboards with IDs ${unknown.join(', ')} not found`);
    for (const id of ids) dashboards.restore(id);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/v1/dashboard', ['GET', 'POST', 'DELETE', 'PATCH']);

  app.get<{ Params: Params }>('/api/v1/dashboard/:dashboard_id', async (request) => {
    const found = dashboards.get(request.params.dashboard_id);
    if (!found || found.deletedAt !== null) throw missing(request.params.dashboard_id);
    return found.doc;
  });

  app.put<{ Params: Params }>('/api/v1/dashboard/:dashboard_id', async (request) => {
    const id = request.params.dashboard_id;
    const found = dashboards.get(id);
    if (!found || found.deletedAt !== null) throw missing(id);
    const body = checkBody(request.body);
    const created = Date.parse(String(found.doc.created_at));
    const doc = dashboardDoc(id, body, sandboxUser(ctx), created, ctx.clock.now());
    if (found.doc.author_handle !== undefined) doc.author_handle = found.doc.author_handle;
    if (!dashboards.replace(id, doc)) throw missing(id);
    return doc;
  });

  app.delete<{ Params: Params }>('/api/v1/dashboard/:dashboard_id', async (request) => {
    const id = request.params.dashboard_id;
    if (!dashboards.delete(id, ctx.clock.now())) throw missing(id);
    return { deleted_dashboard_id: id };
  });
  methodNotAllowed(app, '/api/v1/dashboard/:dashboard_id', ['GET', 'PUT', 'DELETE']);
};

function bulkIds(body: unknown, model: string): string[] {
  const problems = validateBody(body, model, 'v1');
  if (problems.length) throw badRequest(problems);
  return ((body as { data: { id: string }[] }).data ?? []).map((d) => d.id);
}

import type { JsonObject } from '../../db/types.ts';
import { appliesToMonitor } from '../../downtimes/match.ts';
import { currentOrNextWindow, downtimeStatus } from '../../downtimes/schedule.ts';
import { groupTags, scopeMatches } from '../../downtimes/scope.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import { type Query, queryBool, queryInt, queryString } from '../params.ts';
import type { RoutePlugin } from '../plugin.ts';
import { sandboxUser } from '../user.ts';
import { validateBody } from '../validation.ts';
import { newDowntime, updatedDowntime } from './record.ts';
import { downtimeResource, userResource } from './resource.ts';

type Params = { downtime_id: string };

function attributesOf(body: unknown, model: 'DowntimeCreateRequest' | 'DowntimeUpdateRequest'): JsonObject {
  const problems = validateBody(body, model, 'v2');
  if (problems.length) throw badRequest(problems);
  return (body as { data: { attributes: JsonObject } }).data.attributes;
}

function page(query: Query): { offset: number; limit: number } {
  const offset = queryInt(query['page[offset]'], 'page[offset]') ?? 0;
  const limit = queryInt(query['page[limit]'], 'page[limit]') ?? 30;
  if (offset < 0 || limit < 1) throw badRequest("'page[offset]' must be >= 0 and 'page[limit]' >= 1");
  return { offset, limit };
}

/** /api/v2/downtime (JSON:API) and /api/v2/monitor/{id}/downtime_matches. */
export const downtimeRoutes: RoutePlugin = async (app, { ctx }) => {
  const { downtimes, monitors } = ctx.store;
  const user = () => sandboxUser(ctx);

  app.post('/api/v2/downtime', async (request) => {
    const attributes = attributesOf(request.body, 'DowntimeCreateRequest');
    const identifier = attributes.monitor_identifier as JsonObject;
    if (typeof identifier?.monitor_id === 'number' && !monitors.get(identifier.monitor_id)) {
      throw badRequest(`Monitor ${identifier.monitor_id} not found (monitor_identifier.monitor_id)`);
    }
    const record = newDowntime(attributes, ctx.clock.now());
    downtimes.insert(record);
    return { data: downtimeResource(record, ctx.clock.now(), user()), included: [userResource(user())] };
  });

  app.get<{ Querystring: Query }>('/api/v2/downtime', async (request) => {
    const now = ctx.clock.now();
    const currentOnly = queryBool(request.query.current_only, 'current_only') ?? false;
    const { offset, limit } = page(request.query);
    const all = downtimes.list().filter((d) => !currentOnly || downtimeStatus(d, now) === 'active');
    const body: JsonObject = {
      data: all.slice(offset, offset + limit).map((d) => downtimeResource(d, now, user())),
      meta: { page: { total_filtered_count: all.length } },
    };
    if (queryString(request.query.include)?.includes('created_by')) body.included = [userResource(user())];
    return body;
  });
  methodNotAllowed(app, '/api/v2/downtime', ['GET', 'POST']);

  app.get<{ Params: Params; Querystring: Query }>('/api/v2/downtime/:downtime_id', async (request) => {
    const record = downtimes.get(request.params.downtime_id);
    if (!record) throw notFound('Downtime not found');
    const body: JsonObject = { data: downtimeResource(record, ctx.clock.now(), user()) };
    if (queryString(request.query.include)?.includes('created_by')) body.included = [userResource(user())];
    return body;
  });

  app.patch<{ Params: Params }>('/api/v2/downtime/:downtime_id', async (request) => {
    const id = request.params.downtime_id;
    const old = downtimes.get(id);
    if (!old) throw notFound(`Downtime ${id} not found`);
    const attributes = attributesOf(request.body, 'DowntimeUpdateRequest');
    const bodyId = (request.body as { data: { id?: string } }).data.id;
    if (bodyId !== undefined && bodyId !== id)
      throw badRequest(`'data.id' (${bodyId}) does not match the downtime in the path (${id})`);
    if (old.canceled !== null) throw badRequest(`Downtime ${id} is canceled and cannot be updated`);
    const next = updatedDowntime(old, attributes, ctx.clock.now());
    downtimes.replace(next);
    return { data: downtimeResource(next, ctx.clock.now(), user()), included: [userResource(user())] };
  });

  app.delete<{ Params: Params }>('/api/v2/downtime/:downtime_id', async (request, reply) => {
    const id = request.params.downtime_id;
    if (!downtimes.cancel(id, ctx.clock.now())) throw notFound(`Downtime ${id} not found`);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/v2/downtime/:downtime_id', ['GET', 'PATCH', 'DELETE']);

  app.get<{ Params: { monitor_id: string }; Querystring: Query }>(
    '/api/v2/monitor/:monitor_id/downtime_matches',
    async (request) => {
      const id = /^\d+$/.test(request.params.monitor_id) ? Number(request.params.monitor_id) : -1;
      const monitor = monitors.get(id);
      if (!monitor) throw notFound('Monitor not found');
      const now = ctx.clock.now();
      const { offset, limit } = page(request.query);
      const groups = Object.keys(monitor.state.groups);
      const matches = downtimes
        .list()
        .filter(
          (d) => appliesToMonitor(d, monitor.doc) && ['active', 'scheduled'].includes(downtimeStatus(d, now)),
        )
        .map((d) => {
          const w = currentOrNextWindow(d.schedule, now);
          return {
            id: d.id,
            type: 'downtime_match',
            attributes: {
              start: w ? new Date(w.start).toISOString() : null,
              end: w?.end ? new Date(w.end).toISOString() : null,
              groups: groups.filter((g) => scopeMatches(d.scope, groupTags(g))),
              scope: d.scope,
            },
          };
        });
      return {
        data: matches.slice(offset, offset + limit),
        meta: { page: { total_filtered_count: matches.length } },
      };
    },
  );
  methodNotAllowed(app, '/api/v2/monitor/:monitor_id/downtime_matches', ['GET']);
};

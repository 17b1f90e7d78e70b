import type { EventRecord, JsonObject } from '../../db/types.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import { type Query, queryInt, queryString, queryTimeRange } from '../params.ts';
import type { RoutePlugin } from '../plugin.ts';
import { validateBody } from '../validation.ts';
import { notifyMentions } from './mentions.ts';

/** Datadog keeps at most 4000 characters of an event's text. */
const MAX_TEXT = 4000;

function eventUrl(id: number): string {
  return `/event/event?id=${id}`;
}

/** The v1 Event of a stored event. */
function eventView(e: EventRecord, full: boolean): JsonObject {
  const base: JsonObject = {
    id: e.id,
    id_str: String(e.id),
    title: e.title,
    text: e.text,
    date_happened: e.date_happened,
    handle: null,
    priority: e.priority,
    related_event_id: e.related_event_id,
    tags: e.tags,
    url: eventUrl(e.id),
  };
  if (!full) return base;
  return {
    ...base,
    alert_type: e.alert_type,
    host: e.host,
    device_name: e.device_name,
    source_type_name: e.source_type_name,
    aggregation_key: e.aggregation_key,
    ...(e.category ? { category: e.category } : {}),
  };
}

/** /api/v1/events (post, get, list) and /api/v2/events (post). */
export const eventRoutes: RoutePlugin = async (app, { ctx }) => {
  const { events } = ctx.store;

  app.post('/api/v1/events', async (request, reply) => {
    const problems = validateBody(request.body, 'EventCreateRequest', 'v1');
    if (problems.length) throw badRequest(problems);
    const b = request.body as JsonObject;
    const now = ctx.clock.now();
    const event = events.add(
      {
        title: String(b.title),
        text: String(b.text).slice(0, MAX_TEXT),
        date_happened: typeof b.date_happened === 'number' ? b.date_happened : Math.floor(now / 1000),
        priority: (b.priority as string | undefined) ?? null,
        alert_type: (b.alert_type as string | undefined) ?? 'info',
        host: (b.host as string | undefined) ?? null,
        aggregation_key: (b.aggregation_key as string | undefined) ?? null,
        source_type_name: (b.source_type_name as string | undefined) ?? null,
        related_event_id: (b.related_event_id as number | undefined) ?? null,
        device_name: (b.device_name as string | undefined) ?? null,
        tags: (b.tags as string[] | undefined) ?? [],
      },
      now,
    );
    notifyMentions(ctx, event);
    return reply.code(202).send({ status: 'ok', event: eventView(event, false) });
  });

  app.get<{ Querystring: Query }>('/api/v1/events', async (request) => {
    const q = request.query;
    const { start, end } = queryTimeRange(q);
    const tags = queryString(q.tags)?.split(',').filter(Boolean);
    const sources = queryString(q.sources)?.split(',').filter(Boolean);
    const page = queryInt(q.page, 'page') ?? 0;
    const found = events.list({ start, end, tags, sources, priority: queryString(q.priority) });
    return {
      events: found.slice(page * 1000, (page + 1) * 1000).map((e) => eventView(e, true)),
      status: 'ok',
    };
  });
  methodNotAllowed(app, '/api/v1/events', ['GET', 'POST']);

  app.get<{ Params: { event_id: string } }>('/api/v1/events/:event_id', async (request) => {
    const id = /^\d+$/.test(request.params.event_id) ? Number(request.params.event_id) : -1;
    const event = events.get(id);
    if (!event) throw notFound('Event not found');
    return { event: eventView(event, true), status: 'ok' };
  });
  methodNotAllowed(app, '/api/v1/events/:event_id', ['GET']);

  app.post('/api/v2/events', async (request, reply) => {
    const problems = validateBody(request.body, 'EventCreateRequestPayload', 'v2');
    if (problems.length) throw badRequest(problems);
    const a = (request.body as { data: { attributes: JsonObject } }).data.attributes;
    const now = ctx.clock.now();
    const timestamp = typeof a.timestamp === 'string' ? Date.parse(a.timestamp) : now;
    if (!Number.isFinite(timestamp))
      throw badRequest("'data.attributes.timestamp' must be an ISO-8601 date-time");
    const event = events.add(
      {
        title: String(a.title),
        text: String(a.message ?? '').slice(0, MAX_TEXT),
        date_happened: Math.floor(timestamp / 1000),
        priority: null,
        alert_type: null,
        host: (a.host as string | undefined) ?? null,
        aggregation_key: (a.aggregation_key as string | undefined) ?? null,
        source_type_name: null,
        related_event_id: null,
        device_name: null,
        tags: (a.tags as string[] | undefined) ?? [],
        category: String(a.category),
        attributes: (a.attributes as JsonObject | undefined) ?? {},
      },
      now,
    );
    notifyMentions(ctx, event);
    const uid = `AZ${event.id.toString(36)}`;
    return reply.code(202).send({
      data: {
        type: 'event',
        id: uid,
        attributes: { attributes: { evt: { id: event.id.toString(), uid } } },
      },
      links: { self: eventUrl(event.id) },
    });
  });
  methodNotAllowed(app, '/api/v2/events', ['POST']);
};

/**
 * The web console, on the API port: server-rendered pages at Datadog's own paths
 * (/dashboard/<id>/<slug>, /monitors/<id>, ...), small ES modules and uPlot for charts, and a
 * same-origin data route so the browser never holds a key. Works offline.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../backend/api/plugin.ts';
import type { SandboxContext } from '../context.ts';
import { assetRoutes } from './assets.ts';
import { dataRoutes } from './data.ts';
import { html, page } from './html.ts';
import { servicePage, servicesPage, tracePage } from './pages/apm.ts';
import { dashboardListPage, dashboardPage } from './pages/dashboards.ts';
import { downtimesPage } from './pages/downtimes.ts';
import { explorerPage, homePage, inboxPage, intakePage } from './pages/misc.ts';
import { monitorListPage, monitorPage } from './pages/monitors.ts';

function send(reply: FastifyReply, body: string): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

function missing(ctx: SandboxContext, reply: FastifyReply, what: string): FastifyReply {
  return send(
    reply.code(404),
    page(
      { title: 'Not found', now: ctx.clock.now() },
      html`<h1>Not found</h1><p class="empty">${what}</p><p><a href="/">Home</a></p>`,
    ),
  );
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

/** The console's routes, registered with the API's in backend/api/routes.ts. */
export const consoleRoutes: RoutePlugin = async (app, { ctx }) => {
  assetRoutes(app);
  dataRoutes(app, ctx);

  app.get('/', async (request, reply) => send(reply, homePage(ctx, origin(request))));
  app.get('/dashboard/lists', async (_request, reply) => send(reply, dashboardListPage(ctx)));
  const dashboard = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const body = dashboardPage(ctx, request.params.id);
    return body ? send(reply, body) : missing(ctx, reply, `No dashboard ${request.params.id}.`);
  };
  app.get('/dashboard/:id', dashboard);
  app.get('/dashboard/:id/:slug', dashboard);

  app.get('/monitors/manage', async (_request, reply) => send(reply, monitorListPage(ctx)));
  // `?id=` is the link `provision apply` prints for a downtime.
  app.get<{ Querystring: { id?: string } }>('/monitors/downtimes', async (request, reply) =>
    send(reply, downtimesPage(ctx, request.query.id)),
  );
  app.get<{ Params: { id: string } }>('/monitors/:id', async (request, reply) => {
    const id = request.params.id;
    const body = /^\d+$/.test(id) ? monitorPage(ctx, Number(id)) : undefined;
    return body ? send(reply, body) : missing(ctx, reply, `No monitor ${id}.`);
  });

  app.get('/apm/services', async (_request, reply) => send(reply, servicesPage(ctx)));
  app.get<{ Params: { service: string }; Querystring: { resource?: string } }>(
    '/apm/services/:service',
    async (request, reply) => {
      const body = servicePage(ctx, request.params.service, request.query.resource || undefined);
      return body
        ? send(reply, body)
        : missing(ctx, reply, `No traces of service ${request.params.service}.`);
    },
  );
  app.get<{ Params: { id: string } }>('/apm/trace/:id', async (request, reply) => {
    const body = tracePage(ctx, request.params.id);
    return body
      ? send(reply, body)
      : missing(ctx, reply, `No trace ${request.params.id} among the recent traces.`);
  });

  app.get<{ Querystring: { query?: string } }>('/metric/explorer', async (request, reply) =>
    send(reply, explorerPage(ctx, request.query.query ?? '')),
  );
  app.get('/sandbox/console/inbox', async (_request, reply) => send(reply, inboxPage(ctx)));
  app.get('/sandbox/console/intake', async (_request, reply) => send(reply, intakePage(ctx)));
};

import { rootOf, type StoredTrace } from '../../../agent/traces/store.ts';
import type { RoutePlugin } from '../plugin.ts';

function traceSummary(t: StoredTrace) {
  const root = rootOf(t);
  const start = Math.min(...t.spans.map((s) => s.start));
  const end = Math.max(...t.spans.map((s) => s.start + s.duration));
  return {
    trace_id: t.trace_id,
    root: root
      ? { name: root.name, service: root.service, resource: root.resource, error: root.error }
      : undefined,
    services: [...new Set(t.spans.map((s) => s.service))],
    span_count: t.spans.length,
    error: t.spans.some((s) => s.error === 1),
    start_ns: start,
    duration_ns: end - start,
    received: new Date(t.received).toISOString(),
  };
}

function bool(v: unknown): boolean | undefined {
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Inspection and control of the Agent side, under /sandbox: intake statistics and listeners,
 * recent events and service checks, metric names, hosts, a forced flush, recent traces with
 * filters and one trace's spans (ids as exact decimal strings).
 */
export const inspectRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/sandbox/intake', async () => ({
    ...ctx.intake.stats.toJSON(),
    aggregator: {
      contexts: ctx.agent.dogstatsd.contexts,
      flushes: ctx.agent.flushes,
      flushed_points: ctx.agent.flushedPoints,
    },
    store: { points_written: ctx.metrics.store.pointsWritten, metrics: ctx.metrics.metrics().length },
    traces_kept: {
      traces: ctx.traces.traceCount,
      spans: ctx.traces.spanCount,
      max_spans: ctx.traces.maxSpans,
    },
  }));
  app.get('/sandbox/intake/events', async () => ({ events: ctx.intake.bus.recentEvents }));
  app.get('/sandbox/intake/service-checks', async () => ({
    latest: [...ctx.intake.bus.serviceCheckStatus.values()],
    recent: ctx.intake.bus.recentServiceChecks,
  }));
  app.get('/sandbox/metrics', async () => ({ metrics: ctx.metrics.metrics() }));
  app.post('/sandbox/metrics/flush', async () => ({ points: ctx.agent.flush() }));
  app.get('/sandbox/hosts', async () => ({ hosts: ctx.hosts.list() }));
  app.get('/sandbox/checks', async () => ({ checks: ctx.intake.checks }));

  app.get('/sandbox/traces', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return reply.code(400).send({ errors: ['limit must be 1 to 1000'] });
    const traces = ctx.traces.find({
      service: str(q.service),
      resource: str(q.resource),
      name: str(q.name),
      traceId: str(q.trace_id),
      error: bool(q.error),
      limit,
    });
    return { traces: traces.map(traceSummary) };
  });
  app.get('/sandbox/traces/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const t = ctx.traces.get(id);
    if (!t) return reply.code(404).send({ errors: [`No trace ${id} among the recent traces`] });
    return { ...traceSummary(t), spans: t.spans };
  });
  app.get('/sandbox/services', async (request) => {
    const q = request.query as Record<string, unknown>;
    return { services: ctx.traces.services(), resources: ctx.traces.resources(str(q.service)) };
  });
};

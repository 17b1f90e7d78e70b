import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { problemSchema } from '../problem.ts';

/** Paths the tracer leaves alone: probes would drown real traffic in Datadog. */
export const UNTRACED_PATHS = ['/healthz', '/readyz'] as const;

const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

/** Liveness (the process answers) and readiness (the database answers a query). */
export async function healthRoutes(app: FastifyInstance, options: { pool: pg.Pool }): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: status } }, logLevel: 'warn' }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { response: { 200: status, 503: problemSchema } }, logLevel: 'warn' },
    async () => {
      await options.pool.query('SELECT 1');
      return { status: 'ready' };
    },
  );
}

import tracer from 'dd-trace';
import type { FastifyInstance } from 'fastify';

const text = { 200: { type: 'string' } } as const;

/** The challenge's three routes with their exact bodies (the seed's Flask app). */
export async function challengeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { response: text } }, async () => 'Entrypoint to the Application');
  app.get('/api/apm', { schema: { response: text } }, async () => 'Getting APM Started');
  app.get('/api/trace', { schema: { response: text } }, async () =>
    // The challenge's manual instrumentation: a custom span around the work, with a tag.
    // Without a started tracer this is dd-trace's no-op and just runs the function.
    tracer.trace(
      'posting.traces',
      { resource: 'GET /api/trace', tags: { 'challenge.step': 'manual-span' } },
      () => {
        return 'Posting Traces';
      },
    ),
  );
}

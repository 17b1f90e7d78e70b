import type { RoutePlugin } from '../plugin.ts';

/** GET /sandbox/health: up, and the sandbox clock's time (which tests and demos may move). */
export const healthRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/sandbox/health', async () => ({ status: 'ok', now: new Date(ctx.clock.now()).toISOString() }));
};

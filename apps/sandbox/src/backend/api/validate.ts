import type { RoutePlugin } from './plugin.ts';

/** GET /api/v1/validate: Datadog's key check, answered once auth.ts has let the request through. */
export const validateRoutes: RoutePlugin = async (app) => {
  app.get('/api/v1/validate', async () => ({ valid: true }));
};

import { consoleRoutes } from '../../console/index.ts';
import { dashboardRoutes } from './dashboards/routes.ts';
import { downtimeRoutes } from './downtimes/routes.ts';
import { eventRoutes } from './events/routes.ts';
import { queryRoutes } from './metrics/query.ts';
import { seriesRoutes } from './metrics/series.ts';
import { monitorRoutes } from './monitors/routes.ts';
import type { RoutePlugin } from './plugin.ts';
import { roleRoutes } from './roles/routes.ts';
import { healthRoutes } from './sandbox/health.ts';
import { inspectRoutes } from './sandbox/inspect.ts';
import { monitorEngineRoutes } from './sandbox/monitors.ts';
import { snapshotRoutes } from './snapshots/routes.ts';
import { validateRoutes } from './validate.ts';

/** Every route on the API port, one plugin per resource. A new resource is one more line here. */
export const routePlugins: readonly RoutePlugin[] = [
  // Datadog's API (the key check in auth.ts covers /api/*).
  validateRoutes, // GET /api/v1/validate
  dashboardRoutes, // /api/v1/dashboard
  monitorRoutes, // /api/v1/monitor
  downtimeRoutes, // /api/v2/downtime, /api/v2/monitor/{id}/downtime_matches
  eventRoutes, // /api/v1/events, /api/v2/events
  roleRoutes, // /api/v2/roles
  snapshotRoutes, // /api/v1/graph/snapshot, /snapshot/view/{id}.png
  seriesRoutes, // POST /api/v1/series, /api/v2/series
  queryRoutes, // GET /api/v1/query
  // The sandbox's own control and inspection routes.
  healthRoutes, // GET /sandbox/health
  inspectRoutes, // /sandbox/intake, /sandbox/metrics, /sandbox/traces, /sandbox/hosts, /sandbox/checks
  monitorEngineRoutes, // /sandbox/monitors/{id}/preview|history, /sandbox/downtimes/calendar
  // The web console's pages, assets and data route.
  consoleRoutes,
];

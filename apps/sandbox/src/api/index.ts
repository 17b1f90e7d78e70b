import type { ApiPart } from '../http/api-server.ts';

/** Datadog's resource APIs (dashboards, monitors, downtimes, events, graph snapshots). */
export const datadogApi: ApiPart = async () => {};

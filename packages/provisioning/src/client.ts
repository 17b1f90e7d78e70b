import { client, v1, v2 } from '@datadog/datadog-api-client';
import type { Target } from '@dd-challenge/config';
import { type HttpOptions, ResilientHttpLibrary } from './http.ts';

/** The official client's API objects for one target, sharing one transport. */
export interface Api {
  readonly target: Target;
  readonly http: ResilientHttpLibrary;
  readonly dashboards: v1.DashboardsApi;
  readonly monitors: v1.MonitorsApi;
  readonly downtimes: v2.DowntimesApi;
  readonly events: v1.EventsApi;
  readonly snapshots: v1.SnapshotsApi;
  /** The series intake (POST /api/v2/series). */
  readonly metrics: v2.MetricsApi;
  /** Timeseries queries (GET /api/v1/query). */
  readonly queries: v1.MetricsApi;
}

/**
 * @datadog/datadog-api-client configured for the target: its base URL (the sandbox's, or
 * api.<site>), the two keys as auth methods (the client sends them as DD-API-KEY /
 * DD-APPLICATION-KEY headers, never in the URL), and our transport in place of its own.
 * Both keys are always given so the client never falls back to reading DD_API_KEY from the environment.
 */
export function createApi(target: Target, options: HttpOptions = {}): Api {
  const http = new ResilientHttpLibrary(options);
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(target.apiUrl, {}),
    authMethods: { apiKeyAuth: target.apiKey.reveal(), appKeyAuth: target.appKey.reveal() },
    httpApi: http,
    enableRetry: false,
  });
  return {
    target,
    http,
    dashboards: new v1.DashboardsApi(configuration),
    monitors: new v1.MonitorsApi(configuration),
    downtimes: new v2.DowntimesApi(configuration),
    events: new v1.EventsApi(configuration),
    snapshots: new v1.SnapshotsApi(configuration),
    metrics: new v2.MetricsApi(configuration),
    queries: new v1.MetricsApi(configuration),
  };
}

import type { v1 } from '@datadog/datadog-api-client';
import { MY_METRIC_MONITOR } from './my-metric-monitor.ts';
import { idTag } from './ownership.ts';
import type { DefinitionSettings } from './settings.ts';
import type { DashboardDefinition } from './types.ts';

export const APM_INFRA_DASHBOARD = 'apm-infra';

/** The span the Fastify integration of dd-trace names every request (trace metrics derive from it). */
export const REQUEST_SPAN = 'trace.fastify.request';

function timeseries(title: string, requests: v1.TimeseriesWidgetRequest[]): v1.Widget {
  return { definition: { type: 'timeseries', title, showLegend: true, requests } };
}

/**
 * Challenge step 16: one dashboard with APM (traced-api's hits, errors and p50/p95 latency by
 * resource) beside infrastructure (system CPU, memory, load; Postgres connections and rows) and
 * the status of the my_metric monitor, found by its challenge-id tag so no id is baked in.
 */
export function apmInfraDashboard(settings: DefinitionSettings): DashboardDefinition {
  const apm = `service:${settings.service},$env`;
  const body: v1.Dashboard = {
    title: 'APM and infrastructure',
    description: `Challenge step 16: ${settings.service} traces beside the host and PostgreSQL.`,
    layoutType: 'ordered',
    reflowType: 'auto',
    defaultTimeframe: { type: 'live', unit: 'hour', value: 1 },
    templateVariables: [
      { name: 'env', prefix: 'env', defaults: [settings.env] },
      { name: 'host', prefix: 'host', defaults: [settings.host] },
    ],
    widgets: [
      timeseries(`${settings.service}: hits by resource`, [
        { q: `sum:${REQUEST_SPAN}.hits{${apm}} by {resource_name}.as_count()`, displayType: 'bars' },
      ]),
      timeseries(`${settings.service}: errors by resource`, [
        { q: `sum:${REQUEST_SPAN}.errors{${apm}} by {resource_name}.as_count()`, displayType: 'bars' },
      ]),
      timeseries(`${settings.service}: latency p50 and p95 by resource`, [
        { q: `p50:${REQUEST_SPAN}{${apm}} by {resource_name}`, displayType: 'line' },
        { q: `p95:${REQUEST_SPAN}{${apm}} by {resource_name}`, displayType: 'line' },
      ]),
      timeseries('CPU on $host (user, system, iowait)', [
        { q: 'avg:system.cpu.user{$host}', displayType: 'area' },
        { q: 'avg:system.cpu.system{$host}', displayType: 'area' },
        { q: 'avg:system.cpu.iowait{$host}', displayType: 'area' },
      ]),
      timeseries('Memory on $host (used, usable)', [
        { q: 'avg:system.mem.used{$host}', displayType: 'line' },
        { q: 'avg:system.mem.usable{$host}', displayType: 'line' },
      ]),
      timeseries('Load on $host (1, 5, 15 min)', [
        { q: 'avg:system.load.1{$host}', displayType: 'line' },
        { q: 'avg:system.load.5{$host}', displayType: 'line' },
        { q: 'avg:system.load.15{$host}', displayType: 'line' },
      ]),
      timeseries('PostgreSQL connections on $host', [
        { q: 'avg:postgresql.connections{$host}', displayType: 'line' },
      ]),
      timeseries('PostgreSQL rows per second on $host', [
        { q: 'sum:postgresql.rows_fetched{$host}', displayType: 'line' },
        { q: 'sum:postgresql.rows_returned{$host}', displayType: 'line' },
        { q: 'sum:postgresql.rows_inserted{$host}', displayType: 'line' },
        { q: 'sum:postgresql.rows_updated{$host}', displayType: 'line' },
        { q: 'sum:postgresql.rows_deleted{$host}', displayType: 'line' },
      ]),
      {
        definition: {
          type: 'manage_status',
          title: 'Monitor: my_metric is high',
          query: `tag:"${idTag(MY_METRIC_MONITOR)}"`,
          summaryType: 'groups',
          displayFormat: 'countsAndList',
          colorPreference: 'background',
          sort: 'status,asc',
          hideZeroCounts: true,
          showLastTriggered: true,
        },
      },
    ],
  };
  return { kind: 'dashboard', name: APM_INFRA_DASHBOARD, body };
}

import type { v1 } from '@datadog/datadog-api-client';
import type { DefinitionSettings } from './settings.ts';
import type { DashboardDefinition } from './types.ts';

export const MY_METRIC_DASHBOARD = 'my-metric-postgres';

/** The monitor's thresholds, drawn as markers so the graph shows where warning and alert start. */
export const WARNING_THRESHOLD = 500;
export const ALERT_THRESHOLD = 800;

/** The database integration's row metrics, each drawn with anomaly bands (challenge step 6). */
export const POSTGRES_ROW_METRICS = [
  'postgresql.rows_fetched',
  'postgresql.rows_returned',
  'postgresql.rows_inserted',
  'postgresql.rows_updated',
  'postgresql.rows_deleted',
] as const;

/** Said above the anomaly graphs: which part of them is seeded history (seed-history.ts). */
export const SEEDED_HISTORY_NOTE =
  '**Seeded history.** On the sandbox, the PostgreSQL graphs below begin with a week of seeded ' +
  'rows_* rates tagged `source:seed`: `pnpm dev` writes them at the first start so the anomaly ' +
  'bands have history at once; every point after the moment the demo first started comes from ' +
  'the live postgres check. Add `!source:seed` to a query to see the live points alone. ' +
  'Nothing is seeded in Datadog, nor with SANDBOX_SEED_HISTORY=0.';

const HOURLY_SUM = 'avg:my_metric{$host}.rollup(sum, 3600)';

function anomalyWidget(metric: string): v1.Widget {
  const short = metric.replace('postgresql.', '').replace('_', ' ');
  return {
    definition: {
      type: 'timeseries',
      title: `PostgreSQL ${short} with anomaly bands (basic, 2 bounds)`,
      // Basic anomalies need history behind each point: an hour gives the lagging window data.
      time: { liveSpan: '1h' },
      showLegend: false,
      requests: [{ q: `anomalies(avg:${metric}{$host}, 'basic', 2)`, displayType: 'line' }],
    },
  };
}

/**
 * Challenge steps 5–9: my_metric over the host (template variable), the database's row metrics
 * with anomalies, and the hourly rollup sum shown where it is honest: a 5-minute view holds 0–1
 * hourly buckets (rollup buckets are aligned to UNIX hours), so the sum is a query value over the
 * past hour and a bar chart over a day, beside the 5-minute graph of the raw values.
 */
export function myMetricDashboard(settings: DefinitionSettings): DashboardDefinition {
  const body: v1.Dashboard = {
    title: 'my_metric & PostgreSQL',
    description:
      'Challenge steps 5–9: my_metric on this host, PostgreSQL rows with anomalies, the hourly sum.',
    layoutType: 'ordered',
    reflowType: 'auto',
    defaultTimeframe: { type: 'live', unit: 'minute', value: 5 },
    templateVariables: [{ name: 'host', prefix: 'host', defaults: [settings.host] }],
    widgets: [
      {
        definition: {
          type: 'timeseries',
          title: 'my_metric on $host (past 5 minutes)',
          time: { liveSpan: '5m' },
          showLegend: false,
          requests: [{ q: 'avg:my_metric{$host}', displayType: 'line' }],
          markers: [
            {
              value: `y = ${WARNING_THRESHOLD}`,
              displayType: 'warning dashed',
              label: `warning ${WARNING_THRESHOLD}`,
            },
            {
              value: `y = ${ALERT_THRESHOLD}`,
              displayType: 'error dashed',
              label: `alert ${ALERT_THRESHOLD}`,
            },
          ],
        },
      },
      {
        definition: {
          type: 'query_value',
          title: 'my_metric: sum of every point of the past hour',
          time: { liveSpan: '1h' },
          precision: 0,
          autoscale: true,
          requests: [{ q: HOURLY_SUM, aggregator: 'sum' }],
        },
      },
      {
        definition: {
          type: 'timeseries',
          title: 'my_metric: hourly sums (rollup sum 3600), past day',
          time: { liveSpan: '1d' },
          showLegend: false,
          requests: [{ q: HOURLY_SUM, displayType: 'bars' }],
        },
      },
      {
        definition: {
          type: 'note',
          content: SEEDED_HISTORY_NOTE,
          backgroundColor: 'yellow',
          fontSize: '14',
          textAlign: 'left',
        },
      },
      ...POSTGRES_ROW_METRICS.map(anomalyWidget),
    ],
  };
  return { kind: 'dashboard', name: MY_METRIC_DASHBOARD, body };
}

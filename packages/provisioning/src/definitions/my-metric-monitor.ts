import type { v1 } from '@datadog/datadog-api-client';
import { ALERT_THRESHOLD, WARNING_THRESHOLD } from './my-metric-dashboard.ts';
import { ownershipTags } from './ownership.ts';
import type { DefinitionSettings } from './settings.ts';
import type { MonitorDefinition } from './types.ts';

export const MY_METRIC_MONITOR = 'my-metric-high';

/** Minutes without data before the monitor goes No Data (challenge step 10). */
export const NO_DATA_MINUTES = 10;

/**
 * Grouped `by {host}`: a multi-alert, one state per host, which is what makes `{{host.ip}}` and
 * `{{host.name}}` resolve (on an ungrouped monitor they render empty).
 */
export const MY_METRIC_QUERY = `avg(last_5m):avg:my_metric{*} by {host} > ${ALERT_THRESHOLD}`;

/**
 * One message, four cases: each transition renders only its own section, and the handle sits
 * outside every section so every transition (Recovery included) reaches it.
 */
export function monitorMessage(handle: string): string {
  return [
    '{{#is_alert}}',
    'ALERT: my_metric on {{host.name}} ({{host.ip}}) averaged {{value}} over the past 5 minutes,',
    'above the alert threshold of {{threshold}}.',
    '{{/is_alert}}',
    '{{#is_warning}}',
    'WARNING: my_metric on {{host.name}} averaged {{value}} over the past 5 minutes,',
    'above the warning threshold of {{warn_threshold}}.',
    '{{/is_warning}}',
    '{{#is_no_data}}',
    `NO DATA: my_metric on {{host.name}} has sent nothing for ${NO_DATA_MINUTES} minutes.`,
    'Is the metric emitter (or the Agent) running?',
    '{{/is_no_data}}',
    '{{#is_recovery}}',
    'RECOVERED: my_metric on {{host.name}} is back to {{value}}, under the thresholds.',
    '{{/is_recovery}}',
    handle,
  ].join('\n');
}

/** Challenge steps 10–11: warning 500, alert 800, No Data after 10 minutes, per-host messages. */
export function myMetricMonitor(settings: DefinitionSettings): MonitorDefinition {
  const body: v1.Monitor = {
    name: 'my_metric is high',
    type: 'metric alert',
    query: MY_METRIC_QUERY,
    message: monitorMessage(settings.notifyHandle),
    tags: [...ownershipTags(MY_METRIC_MONITOR), `env:${settings.env}`],
    priority: 3,
    options: {
      thresholds: { critical: ALERT_THRESHOLD, warning: WARNING_THRESHOLD },
      notifyNoData: true,
      noDataTimeframe: NO_DATA_MINUTES,
      requireFullWindow: false,
      includeTags: true,
      notifyAudit: false,
    },
  };
  return { kind: 'monitor', name: MY_METRIC_MONITOR, body };
}

import { sealDashboard } from '../wire.ts';
import { apmInfraDashboard } from './apm-infra-dashboard.ts';
import { downtimes } from './downtimes.ts';
import { myMetricDashboard } from './my-metric-dashboard.ts';
import { myMetricMonitor } from './my-metric-monitor.ts';
import type { DefinitionSettings } from './settings.ts';
import type { Definition } from './types.ts';

export * from './apm-infra-dashboard.ts';
export * from './downtimes.ts';
export * from './my-metric-dashboard.ts';
export * from './my-metric-monitor.ts';
export * from './ownership.ts';
export * from './settings.ts';
export * from './snapshot.ts';
export * from './types.ts';

/** Everything the challenge provisions: two dashboards, the monitor, two downtimes. */
export function challengeSet(settings: DefinitionSettings): Definition[] {
  return [
    myMetricMonitor(settings),
    sealDashboard(myMetricDashboard(settings)),
    sealDashboard(apmInfraDashboard(settings)),
    ...downtimes(settings),
  ];
}

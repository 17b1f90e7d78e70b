import type { DowntimeRecord } from '../db/types.ts';
import { isDowntimeActive } from './schedule.ts';
import { scopeMatches } from './scope.ts';

/** What a downtime needs to know of a monitor. */
export interface MonitorRef {
  id: number;
  tags: readonly string[];
}

/** Whether a downtime's monitor_identifier picks this monitor (`monitor_tags: ["*"]` picks all). */
export function appliesToMonitor(downtime: DowntimeRecord, monitor: MonitorRef): boolean {
  const identifier = downtime.monitor_identifier;
  if ('monitor_id' in identifier) return identifier.monitor_id === monitor.id;
  return identifier.monitor_tags.every((tag) => tag === '*' || monitor.tags.includes(tag));
}

/**
 * The downtime muting a monitor's group at `atMs`, if any: active at that instant, picking the
 * monitor, and its scope matching the group's tags. For the monitor engine.
 */
export function mutingDowntime(
  downtimes: readonly DowntimeRecord[],
  monitor: MonitorRef,
  groupTags: readonly string[],
  atMs: number,
): DowntimeRecord | undefined {
  return downtimes.find(
    (d) => appliesToMonitor(d, monitor) && scopeMatches(d.scope, groupTags) && isDowntimeActive(d, atMs),
  );
}

import type { DefinitionSettings } from './settings.ts';

/** What `snapshot` graphs: the first widget of the my_metric dashboard, on this host, past 5 minutes. */
export interface SnapshotSpec {
  readonly title: string;
  readonly metricQuery: string;
  readonly seconds: number;
  /** Event title and the tags that mark the event as this project's. */
  readonly eventTitle: string;
}

/** Challenge step 9: the graph to snapshot and the event that @-notifies it. */
export function snapshotSpec(settings: DefinitionSettings): SnapshotSpec {
  return {
    title: `my_metric on host:${settings.host} (past 5 minutes)`,
    metricQuery: `avg:my_metric{host:${settings.host}}`,
    seconds: 300,
    eventTitle: 'Snapshot: my_metric over the past 5 minutes',
  };
}

/** The event text: the snapshot inline (markdown), its URL in the clear, and the @-notification. */
export function snapshotEventText(snapshotUrl: string, handle: string): string {
  return [
    '%%%',
    `![my_metric snapshot](${snapshotUrl})`,
    '',
    `Snapshot URL: ${snapshotUrl}`,
    '',
    handle,
    '%%%',
  ].join('\n');
}

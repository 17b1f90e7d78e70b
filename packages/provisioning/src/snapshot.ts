import type { Api } from './client.ts';
import { ownershipTags } from './definitions/ownership.ts';
import type { DefinitionSettings } from './definitions/settings.ts';
import { snapshotEventText, snapshotSpec } from './definitions/snapshot.ts';
import { targetNow } from './sandbox-routes.ts';

export interface SnapshotResult {
  readonly snapshotUrl: string;
  readonly eventId: string;
  readonly eventUrl: string | undefined;
}

/**
 * Challenge step 9: a graph snapshot of my_metric over the past 5 minutes, then an event whose
 * text carries the snapshot and @-notifies the handle (the "@ notation": the event goes to them).
 */
export async function takeSnapshot(
  api: Api,
  settings: DefinitionSettings,
  at?: number,
): Promise<SnapshotResult> {
  const nowMs = at ?? (await targetNow(api));
  const spec = snapshotSpec(settings);
  const end = Math.floor(nowMs / 1000);
  const snapshot = await api.snapshots.getGraphSnapshot({
    metricQuery: spec.metricQuery,
    start: end - spec.seconds,
    end,
    title: spec.title,
  });
  const snapshotUrl = snapshot.snapshotUrl;
  if (!snapshotUrl) throw new Error('the graph snapshot answer carries no snapshot_url');
  const created = await api.events.createEvent({
    body: {
      title: spec.eventTitle,
      text: snapshotEventText(snapshotUrl, settings.notifyHandle),
      tags: ownershipTags('snapshot'),
      alertType: 'info',
    },
  });
  const event = created.event;
  const eventId = String(event?.idStr ?? event?.id ?? '');
  const eventUrl = event?.url ? new URL(event.url, api.target.appUrl).toString() : undefined;
  return { snapshotUrl, eventId, eventUrl };
}

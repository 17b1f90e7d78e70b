/** The API's view of a stored monitor (Monitor): its document and its state. */
import type { Json, JsonObject, StoredMonitor } from '../../db/types.ts';
import { isoMicros } from '../timestamps.ts';

/** Which group states to show (`group_states=all` or a list of `alert,warn,no data,ok`). */
export function groupStatesFilter(value: string | undefined): ((status: string) => boolean) | undefined {
  if (!value) return undefined;
  const wanted = value.split(',').map((s) => s.trim().toLowerCase());
  if (wanted.includes('all')) return () => true;
  return (status) => wanted.includes(status.toLowerCase());
}

/** The API's view of a stored monitor: the definition plus its state fields. */
export function monitorView(
  stored: StoredMonitor,
  extras: { groupStates?: (status: string) => boolean; matchingDowntimes?: Json[] } = {},
): JsonObject {
  const view: JsonObject = {
    ...stored.doc,
    overall_state_modified:
      stored.state.overallStateModified === null ? null : isoMicros(stored.state.overallStateModified),
    overall_state: stored.state.overallState,
  };
  if (extras.groupStates) {
    const groups: JsonObject = {};
    for (const [name, g] of Object.entries(stored.state.groups)) {
      if (extras.groupStates(g.status)) groups[name] = g as unknown as Json;
    }
    view.state = { groups };
  }
  if (extras.matchingDowntimes) view.matching_downtimes = extras.matchingDowntimes;
  return view;
}

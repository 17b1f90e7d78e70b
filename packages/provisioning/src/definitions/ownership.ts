/**
 * How this project recognises its own resources on the target. Every resource carries two tags:
 * `managed-by:dd-challenge` (whose it is) and `challenge-id:<name>` (which definition it is).
 * Monitors keep them in `tags`. Datadog allows only `team:` tags on dashboards and has no tags on
 * v2 downtimes, so those two kinds carry the same tags on a marker line at the end of their
 * description / message. Titles are never used to match.
 */
export const OWNER_TAG = 'managed-by:dd-challenge';
export const ID_TAG_KEY = 'challenge-id';

/** `challenge-id:<name>` */
export function idTag(name: string): string {
  return `${ID_TAG_KEY}:${name}`;
}

/** The two ownership tags of a definition. */
export function ownershipTags(name: string): string[] {
  return [OWNER_TAG, idTag(name)];
}

const MARKER_PREFIX = '[dd-challenge]';

/** The marker line appended to a dashboard description or a downtime message. */
export function markerLine(name: string, extra: Record<string, string> = {}): string {
  const parts = [OWNER_TAG, idTag(name), ...Object.entries(extra).map(([k, v]) => `${k}:${v}`)];
  return `${MARKER_PREFIX} ${parts.join(' ')}`;
}

/** Text with its marker line (if any) replaced by `marker`. */
export function withMarker(text: string, marker: string): string {
  return `${stripMarker(text)}\n\n${marker}`;
}

/** Text without its marker line. */
export function stripMarker(text: string): string {
  const at = text.lastIndexOf(MARKER_PREFIX);
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

/** The tags written on the marker line of a text, or [] when it has none. */
export function markerTags(text: string | undefined): string[] {
  if (!text) return [];
  const at = text.lastIndexOf(MARKER_PREFIX);
  if (at === -1) return [];
  const line = text.slice(at + MARKER_PREFIX.length).split('\n')[0] ?? '';
  return line.trim().split(/\s+/).filter(Boolean);
}

/** The definition name an owned resource carries, or undefined when the tags are not ours. */
export function ownedName(tags: readonly string[] | undefined): string | undefined {
  if (!tags?.includes(OWNER_TAG)) return undefined;
  const id = tags.find((t) => t.startsWith(`${ID_TAG_KEY}:`));
  return id?.slice(ID_TAG_KEY.length + 1) || undefined;
}

/** The value of `key:value` on a marker line (e.g. the dashboard spec fingerprint). */
export function markerValue(tags: readonly string[], key: string): string | undefined {
  return tags.find((t) => t.startsWith(`${key}:`))?.slice(key.length + 1);
}

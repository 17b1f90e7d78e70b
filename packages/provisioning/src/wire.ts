import { createHash } from 'node:crypto';
import { v1, v2 } from '@datadog/datadog-api-client';
import { markerLine, withMarker } from './definitions/ownership.ts';
import type { Definition, Kind } from './definitions/types.ts';

/** A JSON value as it travels on the wire (snake_case keys, what Datadog's UI imports). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MODEL: Record<Kind, { readonly api: 'v1' | 'v2'; readonly type: string }> = {
  dashboard: { api: 'v1', type: 'Dashboard' },
  monitor: { api: 'v1', type: 'Monitor' },
  downtime: { api: 'v2', type: 'DowntimeCreateRequestAttributes' },
};

/** A model object (the client's camelCase types) as wire JSON, through the client's own serializer. */
export function toWire(kind: Kind, body: unknown, type = MODEL[kind].type): Json {
  const serializer = MODEL[kind].api === 'v1' ? v1.ObjectSerializer : v2.ObjectSerializer;
  return JSON.parse(JSON.stringify(serializer.serialize(body, type, '')));
}

/** The wire JSON of a definition's body. */
export function definitionWire(definition: Definition): Json {
  return toWire(definition.kind, definition.body);
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A short digest of a definition's content. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * A dashboard with its ownership marker: the two tags and `spec:<fingerprint of everything else>`.
 * Datadog's dashboard list returns summaries only (title, description, no widgets): the
 * fingerprint in the description is what lets a plan see from the list alone that a dashboard
 * still matches its definition.
 */
export function sealDashboard(definition: Extract<Definition, { kind: 'dashboard' }>): typeof definition {
  const spec = fingerprint(toWire('dashboard', definition.body));
  const description = withMarker(definition.body.description ?? '', markerLine(definition.name, { spec }));
  return { ...definition, body: { ...definition.body, description } };
}

import { formatMonitorQuery, parseMonitorQuery } from '@dd-challenge/metric-query';
import type { Api } from './client.ts';
import { markerTags, markerValue } from './definitions/ownership.ts';
import { type Definition, KINDS, type Kind } from './definitions/types.ts';
import { diffFields, type FieldChange } from './diff.ts';
import { type LiveResource, readFull, readInventory } from './inventory.ts';
import { definitionWire, type Json } from './wire.ts';

export type Change =
  | { readonly action: 'create'; readonly kind: Kind; readonly name: string; readonly definition: Definition }
  | {
      readonly action: 'update';
      readonly kind: Kind;
      readonly name: string;
      readonly id: string;
      readonly definition: Definition;
      readonly fields: readonly FieldChange[];
    }
  | {
      readonly action: 'delete';
      readonly kind: Kind;
      readonly name: string;
      readonly id: string;
      readonly reason: 'not defined' | 'duplicate';
    }
  | { readonly action: 'keep'; readonly kind: Kind; readonly name: string; readonly id: string };

export interface Plan {
  readonly changes: readonly Change[];
  /** True when nothing is to create, update or delete. */
  readonly empty: boolean;
}

export interface PlanOptions {
  /** GET every owned resource and diff it whole (what Terraform's refresh does): one request each. */
  readonly refresh?: boolean;
}

function specOf(wire: Json): string | undefined {
  const description = (wire as { description?: unknown }).description;
  return markerValue(markerTags(typeof description === 'string' ? description : undefined), 'spec');
}

/**
 * The target's spelling of a value the definition spells another way, mapped back before the
 * diff: Datadog stores a "metric alert" as "query alert", and may respace a monitor query.
 */
function normalizeLive(kind: Kind, desired: Json, live: Json): Json {
  if (kind !== 'monitor' || !live || typeof live !== 'object' || Array.isArray(live)) return live;
  const d = desired as { type?: string; query?: string };
  const out = { ...live } as { [key: string]: Json };
  if (d.type === 'metric alert' && out.type === 'query alert') out.type = 'metric alert';
  if (typeof d.query === 'string' && typeof out.query === 'string' && sameMonitorQuery(d.query, out.query)) {
    out.query = d.query;
  }
  return out;
}

function sameMonitorQuery(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseMonitorQuery(a);
  const pb = parseMonitorQuery(b);
  return pa.ok && pb.ok && formatMonitorQuery(pa.value) === formatMonitorQuery(pb.value);
}

function keyOf(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/**
 * Desired against live: a definition without a live resource is created; one whose live fields
 * differ is updated (the differing fields listed); owned resources no definition names are
 * deleted, and so are duplicates of one name (the oldest is kept: a killed apply can leave two).
 * `fetchFull` is called only for a dashboard whose fingerprint differs (or all, with refresh).
 */
export async function planChanges(
  desired: readonly Definition[],
  live: readonly LiveResource[],
  fetchFull: (live: LiveResource) => Promise<LiveResource>,
  options: PlanOptions = {},
): Promise<Plan> {
  const byKey = new Map<string, LiveResource[]>();
  for (const resource of live) {
    const list = byKey.get(keyOf(resource.kind, resource.name)) ?? [];
    list.push(resource);
    byKey.set(keyOf(resource.kind, resource.name), list);
  }
  for (const list of byKey.values()) {
    list.sort(
      (a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id, undefined, { numeric: true }),
    );
  }

  const changes: Change[] = [];
  const wanted = new Set<string>();
  const compared = await Promise.all(
    desired.map(async (definition): Promise<Change[]> => {
      const key = keyOf(definition.kind, definition.name);
      wanted.add(key);
      const [kept, ...extra] = byKey.get(key) ?? [];
      const duplicates: Change[] = extra.map((r) => ({
        action: 'delete',
        kind: r.kind,
        name: r.name,
        id: r.id,
        reason: 'duplicate',
      }));
      if (!kept)
        return [
          { action: 'create', kind: definition.kind, name: definition.name, definition },
          ...duplicates,
        ];
      const wire = definitionWire(definition);
      let current = kept;
      if (options.refresh || !kept.complete) {
        const unchangedByFingerprint = !options.refresh && specOf(kept.wire) === specOf(wire) && specOf(wire);
        if (unchangedByFingerprint) {
          return [{ action: 'keep', kind: kept.kind, name: kept.name, id: kept.id }, ...duplicates];
        }
        current = await fetchFull(kept);
      }
      const fields = diffFields(wire, normalizeLive(definition.kind, wire, current.wire));
      const change: Change =
        fields.length === 0
          ? { action: 'keep', kind: kept.kind, name: kept.name, id: kept.id }
          : { action: 'update', kind: kept.kind, name: kept.name, id: kept.id, definition, fields };
      return [change, ...duplicates];
    }),
  );
  changes.push(...compared.flat());
  for (const [key, list] of byKey) {
    if (wanted.has(key)) continue;
    for (const r of list)
      changes.push({ action: 'delete', kind: r.kind, name: r.name, id: r.id, reason: 'not defined' });
  }
  changes.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.name.localeCompare(b.name));
  return { changes, empty: changes.every((c) => c.action === 'keep') };
}

/** Reads what the target holds (three list requests) and plans the way to the definitions. */
export async function plan(
  api: Api,
  desired: readonly Definition[],
  options: PlanOptions = {},
): Promise<Plan> {
  const live = await readInventory(api);
  return planChanges(desired, live, (r) => readFull(api, r), options);
}

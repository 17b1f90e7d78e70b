/** A monitor's stored document from a create or update body: Datadog's defaults, type and thresholds. */
import type { Json, JsonObject, MonitorDoc } from '../../db/types.ts';
import { isoMicros } from '../timestamps.ts';
import type { SandboxUser } from '../user.ts';
import type { CheckedQuery } from './query.ts';

/** Options Datadog adds to every monitor it stores (as its answers show). */
function defaultOptions(type: string): JsonObject {
  const options: JsonObject = {
    notify_no_data: false,
    notify_audit: false,
    new_host_delay: 300,
    include_tags: true,
  };
  if (type === 'log alert') options.groupby_simple_monitor = false;
  return options;
}

/** Datadog answers `metric alert` as `query alert`. */
export function storedType(type: string): string {
  return type === 'metric alert' ? 'query alert' : type;
}

/**
 * The stored options: Datadog's defaults, then what the client sent (nulls kept, as Datadog
 * echoes them), thresholds without their nulls, `silenced` last. A metric monitor without
 * thresholds gets the query's threshold as critical.
 */
export function buildOptions(type: string, given: JsonObject | undefined, query: CheckedQuery): JsonObject {
  const options: JsonObject = { ...defaultOptions(type), ...(given ?? {}) };
  const thresholds = options.thresholds;
  if (thresholds && typeof thresholds === 'object' && !Array.isArray(thresholds)) {
    options.thresholds = Object.fromEntries(Object.entries(thresholds).filter(([, v]) => v !== null));
  } else if (type === 'query alert' && query.threshold !== undefined) {
    options.thresholds = { critical: query.threshold };
  }
  const { silenced, ...rest } = options;
  return { ...rest, silenced: silenced ?? {} };
}

/** Checks thresholds against the query the way Datadog does; returns the problem or undefined. */
export function thresholdProblem(options: JsonObject, query: CheckedQuery): string | undefined {
  const t = options.thresholds as Record<string, Json> | undefined;
  if (!t || query.threshold === undefined) return undefined;
  const critical = t.critical;
  if (typeof critical === 'number' && critical !== query.threshold) {
    return `Alert threshold (${critical}) does not match that used in the query (${query.threshold}).`;
  }
  const warning = t.warning;
  if (typeof critical === 'number' && typeof warning === 'number' && query.comparator) {
    const above = query.comparator.startsWith('>');
    if (above ? warning > critical : warning < critical) {
      return `Warning threshold (${warning}) must be ${above ? 'below' : 'above'} the alert threshold (${critical}) for comparator ${query.comparator}.`;
    }
  }
  return undefined;
}

/** A new monitor's document from a validated create body. */
export function newMonitorDoc(
  id: number,
  body: JsonObject,
  query: CheckedQuery,
  nowMs: number,
  user: SandboxUser,
): MonitorDoc {
  const type = storedType(String(body.type));
  const iso = isoMicros(nowMs);
  const { id: _ignored, overall_state: _state, ...rest } = body;
  return {
    ...rest,
    id,
    org_id: 1,
    type,
    name: typeof body.name === 'string' ? body.name : '',
    message: typeof body.message === 'string' ? body.message : '',
    tags: (body.tags as string[] | undefined) ?? [],
    query: String(body.query),
    options: buildOptions(type, body.options as JsonObject | undefined, query),
    multi: query.multi,
    created_at: Math.floor(nowMs / 1000) * 1000,
    created: iso,
    modified: iso,
    deleted: null,
    priority: (body.priority as number | null | undefined) ?? null,
    restricted_roles: (body.restricted_roles as string[] | null | undefined) ?? null,
    restriction_policy: null,
    draft_status: (body.draft_status as string | undefined) ?? 'published',
    assets: (body.assets as Json[] | undefined) ?? [],
    creator: { name: user.name, handle: user.handle, email: user.email, id: user.id },
  };
}

/** An update: given fields replace, options are rebuilt from defaults + the given ones. */
export function updatedMonitorDoc(
  old: MonitorDoc,
  body: JsonObject,
  query: CheckedQuery,
  nowMs: number,
): MonitorDoc {
  const type = body.type === undefined ? old.type : storedType(String(body.type));
  const next: MonitorDoc = { ...old, ...body, id: old.id, type, modified: isoMicros(nowMs) } as MonitorDoc;
  next.multi = query.multi;
  if (body.options !== undefined) next.options = buildOptions(type, body.options as JsonObject, query);
  if (body.tags === null) next.tags = [];
  return next;
}

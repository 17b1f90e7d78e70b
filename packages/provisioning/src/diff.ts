import { canonicalJson, type Json } from './wire.ts';

/** One field whose live value differs from the definition. `before` undefined: not set on the target. */
export interface FieldChange {
  readonly path: string;
  readonly before: Json | undefined;
  readonly after: Json;
}

/** Arrays whose order means nothing on the target (it may sort them): compared as sets. */
const SET_FIELDS = new Set(['tags', 'monitor_tags', 'notify_end_states', 'notify_end_types', 'defaults']);

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameScalar(a: Json | undefined, b: Json): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trimEnd() === b.trimEnd();
  return a === b;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The fields of `desired` whose value on the target differs, path by path (`options.thresholds.warning`).
 * Only what the definition sets is compared: fields the target adds (ids, dates, states, its
 * defaults) are not drift. Arrays are compared item by item, except set-like ones (tags).
 */
export function diffFields(desired: Json, live: Json | undefined, path = ''): FieldChange[] {
  if (isObject(desired)) {
    if (!isObject(live)) return [{ path, before: live, after: desired }];
    return Object.entries(desired).flatMap(([key, value]) => diffFields(value, live[key], join(path, key)));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return [{ path, before: live, after: desired }];
    const key =
      path
        .split('.')
        .pop()
        ?.replace(/\[\d+\]$/, '') ?? '';
    if (SET_FIELDS.has(key)) {
      const sorted = (a: Json[]) => a.map((v) => canonicalJson(v)).sort();
      return canonicalJson(sorted(desired)) === canonicalJson(sorted(live))
        ? []
        : [{ path, before: live, after: desired }];
    }
    if (desired.length !== live.length) return [{ path, before: live, after: desired }];
    return desired.flatMap((value, i) => diffFields(value, live[i], `${path}[${i}]`));
  }
  return sameScalar(live, desired) ? [] : [{ path, before: live, after: desired }];
}

import type { StoredMonitor } from '../db/types.ts';

/**
 * Datadog's monitor search syntax, reduced to what a sandbox needs: `key:value` filters (id,
 * status, type, tag, notification, metric, priority, muted) and free words matched against the
 * name, combined with AND. The API's /api/v1/monitor/search and the console's monitor widgets use it.
 */
interface Filter {
  key: string | undefined;
  value: string;
}

function tokens(query: string): Filter[] {
  const out: Filter[] = [];
  const re = /(?:(\w+):)?(?:"([^"]*)"|(\S+))/g;
  for (const m of query.matchAll(re)) {
    const value = (m[2] ?? m[3] ?? '').replace(/^\(|\)$/g, '');
    if (value === 'AND' && !m[1]) continue;
    out.push({ key: m[1]?.toLowerCase(), value });
  }
  return out;
}

/** The search's monitor type name for a stored type ('query alert' -> 'metric'). */
export function searchType(type: string): string {
  if (type === 'query alert' || type === 'metric alert') return 'metric';
  return type.replace(/ alert$/, '');
}

/** The @handles a monitor's message notifies. */
export function notificationsOf(message: string): string[] {
  return [...message.matchAll(/@([\w.+-]+(?:@[\w.-]+)?)/g)].map((m) => m[1] as string);
}

/** The metric names a query reads: `avg:system.load.1{*}` -> ['system.load.1']. */
export function metricsOf(query: string): string[] {
  return [...query.matchAll(/:([a-zA-Z][\w.]*)\{/g)].map((m) => m[1] as string);
}

function matchesFilter(m: StoredMonitor, f: Filter): boolean {
  const value = f.value.toLowerCase();
  const doc = m.doc;
  switch (f.key) {
    case undefined:
      return doc.name.toLowerCase().includes(value);
    case 'id':
      return String(doc.id) === f.value;
    case 'status':
      return m.state.overallState.toLowerCase() === value;
    case 'type':
      return searchType(doc.type) === value || doc.type === value;
    case 'tag':
      return doc.tags.some((t) => t.toLowerCase() === value);
    case 'notification':
      return notificationsOf(doc.message).some((n) => n.toLowerCase() === value.replace(/^@/, ''));
    case 'metric':
      return metricsOf(doc.query).includes(f.value);
    case 'priority':
      return String(doc.priority ?? '') === f.value.replace(/^p/i, '');
    case 'muted':
      return value === 'false';
    case 'title':
    case 'name':
      return doc.name.toLowerCase().includes(value);
    default:
      return doc.tags.some((t) => t.toLowerCase() === `${f.key}:${value}`);
  }
}

/** The monitors a search query finds, in the order given. */
export function findMonitors(all: readonly StoredMonitor[], query: string): StoredMonitor[] {
  const filters = tokens(query);
  return all.filter((m) => filters.every((f) => matchesFilter(m, f)));
}

/** The tag filters inside a query's braces: `avg:m{env:prod,host:a}` -> ['env:prod', 'host:a']. */
export function scopesOf(query: string): string[] {
  const out = new Set<string>();
  for (const m of query.matchAll(/\{([^}]*)\}/g)) {
    for (const part of (m[1] as string).split(/,|\s+AND\s+/)) {
      const tag = part.trim();
      if (tag && tag !== '*') out.add(tag);
    }
  }
  return [...out];
}

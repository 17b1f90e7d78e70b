import type { JsonObject, StoredMonitor } from '../../db/types.ts';

/**
 * /api/v1/monitor/search: Datadog's monitor search syntax, reduced to what a sandbox needs:
 * `key:value` filters (id, status, type, tag, notification, metric, priority, muted) and free
 * words matched against the name, combined with AND.
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

function notificationsOf(message: string): string[] {
  return [...message.matchAll(/@([\w.+-]+(?:@[\w.-]+)?)/g)].map((m) => m[1] as string);
}

function metricsOf(query: string): string[] {
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

function counts(monitors: StoredMonitor[], of: (m: StoredMonitor) => string[]): JsonObject[] {
  const tally = new Map<string, number>();
  for (const m of monitors) for (const name of of(m)) tally.set(name, (tally.get(name) ?? 0) + 1);
  return [...tally].map(([name, count]) => ({ name, count }));
}

/** The search answer (MonitorSearchResponse) for a query, a page and a page size. */
export function searchMonitors(
  all: StoredMonitor[],
  query: string,
  page: number,
  perPage: number,
): JsonObject {
  const filters = tokens(query);
  const found = all.filter((m) => filters.every((f) => matchesFilter(m, f)));
  const slice = found.slice(page * perPage, (page + 1) * perPage);
  return {
    counts: {
      muted: [{ name: false, count: found.length }],
      status: counts(found, (m) => [m.state.overallState.toLowerCase()]),
      tag: counts(found, (m) => m.doc.tags),
      type: counts(found, (m) => [searchType(m.doc.type)]),
    },
    metadata: {
      page,
      page_count: Math.ceil(found.length / perPage),
      per_page: perPage,
      total_count: found.length,
    },
    monitors: slice.map((m) => ({
      classification: searchType(m.doc.type),
      creator: m.doc.creator ?? null,
      id: m.doc.id,
      last_triggered_ts: lastTriggered(m),
      metrics: metricsOf(m.doc.query),
      name: m.doc.name,
      notifications: notificationsOf(m.doc.message).map((handle) => ({ handle, name: handle })),
      org_id: 1,
      overall_state_modified:
        m.state.overallStateModified === null ? null : Math.floor(m.state.overallStateModified / 1000),
      quality_issues: [],
      scopes: scopesOf(m.doc.query),
      status: m.state.overallState,
      tags: m.doc.tags,
      type: m.doc.type,
    })),
  };
}

function lastTriggered(m: StoredMonitor): number | null {
  const times = Object.values(m.state.groups)
    .map((g) => g.last_triggered_ts)
    .filter((t): t is number => typeof t === 'number');
  return times.length ? Math.max(...times) : null;
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

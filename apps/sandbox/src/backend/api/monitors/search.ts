import type { JsonObject, StoredMonitor } from '../../db/types.ts';
import { findMonitors, metricsOf, notificationsOf, scopesOf, searchType } from '../../monitors/search.ts';

function counts(monitors: StoredMonitor[], of: (m: StoredMonitor) => string[]): JsonObject[] {
  const tally = new Map<string, number>();
  for (const m of monitors) for (const name of of(m)) tally.set(name, (tally.get(name) ?? 0) + 1);
  return [...tally].map(([name, count]) => ({ name, count }));
}

function lastTriggered(m: StoredMonitor): number | null {
  const times = Object.values(m.state.groups)
    .map((g) => g.last_triggered_ts)
    .filter((t): t is number => typeof t === 'number');
  return times.length ? Math.max(...times) : null;
}

/** The /api/v1/monitor/search answer (MonitorSearchResponse) for a query, a page and a page size. */
export function searchResponse(
  all: StoredMonitor[],
  query: string,
  page: number,
  perPage: number,
): JsonObject {
  const found = findMonitors(all, query);
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

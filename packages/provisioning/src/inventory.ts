import type { v1, v2 } from '@datadog/datadog-api-client';
import type { Api } from './client.ts';
import { markerTags, OWNER_TAG, ownedName } from './definitions/ownership.ts';
import type { Kind } from './definitions/types.ts';
import { type Json, toWire } from './wire.ts';

/** A resource on the target that carries this project's ownership tags. */
export interface LiveResource {
  readonly kind: Kind;
  readonly name: string;
  readonly id: string;
  /** Wire JSON as the target returned it; for dashboards from the list, a summary only. */
  readonly wire: Json;
  /** False when `wire` is a list summary (dashboards): a field diff needs the full resource. */
  readonly complete: boolean;
  /** For ordering duplicates: the oldest one is kept. */
  readonly created: string;
}

const PAGE = 100;

async function pages<T>(
  fetchPage: (offset: number) => Promise<T[]>,
  idOf: (item: T) => string,
): Promise<T[]> {
  const seen = new Map<string, T>();
  for (let offset = 0; ; offset += PAGE) {
    const items = await fetchPage(offset);
    const before = seen.size;
    for (const item of items) seen.set(idOf(item), item);
    // A short page ends the list; so does a page with nothing new (a server ignoring paging).
    if (items.length < PAGE || seen.size === before) break;
  }
  return [...seen.values()];
}

function iso(date: Date | undefined): string {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

async function ownedMonitors(api: Api): Promise<LiveResource[]> {
  // One request: without `page` the endpoint returns every match; filtered by the owner tag.
  const monitors: v1.Monitor[] = await api.monitors.listMonitors({ monitorTags: OWNER_TAG });
  return monitors.flatMap((m) => {
    const name = ownedName(m.tags); // never trust the server-side filter alone
    if (!name || m.id === undefined || m.deleted) return [];
    return [
      {
        kind: 'monitor',
        name,
        id: String(m.id),
        wire: toWire('monitor', m),
        complete: true,
        created: iso(m.created),
      },
    ];
  });
}

async function ownedDashboards(api: Api): Promise<LiveResource[]> {
  const summaries = await pages(
    async (start) =>
      (await api.dashboards.listDashboards({ filterDeleted: false, count: PAGE, start })).dashboards ?? [],
    (d: v1.DashboardSummaryDefinition) => d.id ?? '',
  );
  return summaries.flatMap((d) => {
    const name = ownedName(markerTags(d.description));
    if (!name || !d.id) return [];
    return [
      {
        kind: 'dashboard',
        name,
        id: d.id,
        wire: toWire('dashboard', d, 'DashboardSummaryDefinition'),
        complete: false,
        created: iso(d.createdAt),
      },
    ];
  });
}

async function ownedDowntimes(api: Api): Promise<LiveResource[]> {
  const all = await pages(
    async (pageOffset) =>
      (await api.downtimes.listDowntimes({ currentOnly: false, pageOffset, pageLimit: PAGE })).data ?? [],
    (d: v2.DowntimeResponseData) => d.id ?? '',
  );
  return all.flatMap((d) => {
    const a = d.attributes;
    const name = ownedName(markerTags(a?.message));
    // A canceled downtime stays listed for a while on Datadog; it mutes nothing and is not ours to manage.
    if (!name || !d.id || !a || a.canceled || a.status === 'canceled') return [];
    return [
      {
        kind: 'downtime',
        name,
        id: d.id,
        wire: toWire('downtime', a, 'DowntimeResponseAttributes'),
        complete: true,
        created: iso(a.created),
      },
    ];
  });
}

/**
 * Every resource this project owns on the target, from three list requests (one per kind,
 * more only when a list spans several pages), whatever the number of resources.
 */
export async function readInventory(api: Api): Promise<LiveResource[]> {
  const [monitors, dashboards, downtimes] = await Promise.all([
    ownedMonitors(api),
    ownedDashboards(api),
    ownedDowntimes(api),
  ]);
  return [...monitors, ...dashboards, ...downtimes];
}

/** The full resource behind a live entry (one GET): for dashboards, and for `--refresh`. */
export async function readFull(api: Api, live: LiveResource): Promise<LiveResource> {
  switch (live.kind) {
    case 'dashboard': {
      const d = await api.dashboards.getDashboard({ dashboardId: live.id });
      return { ...live, wire: toWire('dashboard', d), complete: true };
    }
    case 'monitor': {
      const m = await api.monitors.getMonitor({ monitorId: Number(live.id) });
      return { ...live, wire: toWire('monitor', m), complete: true };
    }
    case 'downtime': {
      const d = await api.downtimes.getDowntime({ downtimeId: live.id });
      return {
        ...live,
        wire: toWire('downtime', d.data?.attributes ?? {}, 'DowntimeResponseAttributes'),
        complete: true,
      };
    }
  }
}

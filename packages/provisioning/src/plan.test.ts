import { describe, expect, it } from 'vitest';
import { challengeSet } from './definitions/index.ts';
import type { Definition } from './definitions/types.ts';
import type { LiveResource } from './inventory.ts';
import { planChanges } from './plan.ts';
import { definitionWire, type Json, sealDashboard } from './wire.ts';

const settings = {
  notifyHandle: '@a@example.com',
  downtimeTimezone: 'UTC',
  host: 'h',
  env: 'dev',
  service: 'traced-api',
};
const desired = challengeSet(settings);

/** What the target would hold right after an apply: the same wire bodies plus server fields. */
function liveOf(d: Definition, id: string, created = '2026-01-01T00:00:00.000Z'): LiveResource {
  const wire = definitionWire(d) as { [k: string]: Json };
  if (d.kind === 'dashboard') {
    const summary = {
      id,
      title: wire.title as Json,
      description: wire.description as Json,
      layout_type: 'ordered',
    };
    return { kind: d.kind, name: d.name, id, wire: summary, complete: false, created };
  }
  return { kind: d.kind, name: d.name, id, wire: { ...wire, id, created }, complete: true, created };
}

const noFetch = async (): Promise<LiveResource> => {
  throw new Error('no full read expected');
};

describe('planChanges', () => {
  it('creates everything on an empty target', async () => {
    const plan = await planChanges(desired, [], noFetch);
    expect(plan.changes.map((c) => c.action)).toEqual(Array(desired.length).fill('create'));
    expect(plan.empty).toBe(false);
  });

  it('keeps everything when the target matches, without reading dashboards one by one', async () => {
    const live = desired.map((d, i) => liveOf(d, String(i + 1)));
    const plan = await planChanges(desired, live, noFetch);
    expect(plan.empty).toBe(true);
  });

  it('shows exactly the changed threshold', async () => {
    const live = desired.map((d, i) => liveOf(d, String(i + 1)));
    const monitor = live.find((r) => r.kind === 'monitor') as LiveResource;
    const wire = monitor.wire as { options: { thresholds: { warning: number } } };
    wire.options.thresholds.warning = 450;
    const plan = await planChanges(desired, live, noFetch);
    const updates = plan.changes.filter((c) => c.action === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.action === 'update' && updates[0].fields).toEqual([
      { path: 'options.thresholds.warning', before: 450, after: 500 },
    ]);
  });

  it('reads a dashboard whose fingerprint differs and diffs it field by field', async () => {
    const live = desired.map((d, i) => liveOf(d, String(i + 1))); // the target holds the old definitions
    const fetched: string[] = [];
    const full = async (r: LiveResource): Promise<LiveResource> => {
      fetched.push(r.name);
      const d = desired.find((x) => x.kind === r.kind && x.name === r.name) as Definition;
      return { ...r, wire: definitionWire(d), complete: true };
    };
    // A retitled dashboard, sealed again as challengeSet does: its fingerprint changes.
    const changed = desired.map((d) =>
      d.kind === 'dashboard' && d.name === 'apm-infra'
        ? sealDashboard({ ...d, body: { ...d.body, title: 'New title' } })
        : d,
    );
    const plan = await planChanges(changed, live, full);
    expect(fetched).toEqual(['apm-infra']);
    const update = plan.changes.find((c) => c.action === 'update');
    expect(update?.action === 'update' && update.fields.map((f) => f.path).sort()).toEqual([
      'description',
      'title',
    ]);
  });

  it('deletes duplicates (keeping the oldest) and resources no definition names', async () => {
    const live = desired.map((d, i) => liveOf(d, String(i + 1)));
    const monitor = desired.find((d) => d.kind === 'monitor') as Definition;
    live.push(liveOf(monitor, '99', '2026-02-01T00:00:00.000Z'));
    live.push({ ...liveOf(monitor, '100'), name: 'retired-monitor' });
    const plan = await planChanges(desired, live, noFetch);
    const deletes = plan.changes
      .filter((c) => c.action === 'delete')
      .map((c) => c.action === 'delete' && [c.id, c.reason]);
    expect(deletes).toEqual([
      ['99', 'duplicate'],
      ['100', 'not defined'],
    ]);
  });
});

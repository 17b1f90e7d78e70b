import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.ts';
import type { MonitorDoc } from './types.ts';

describe('store', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  const open = (dir?: string) => {
    const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'store-'));
    if (!dir) dirs.push(dataDir);
    const store = openStore(dataDir);
    stores.push(store);
    return { store, dataDir };
  };
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const doc = (id: number): MonitorDoc => ({
    id,
    type: 'query alert',
    name: 'm',
    message: '',
    query: 'avg(last_5m):avg:m{*} > 1',
    tags: [],
    options: {},
    multi: false,
    priority: null,
    created: '',
    modified: '',
    created_at: 0,
  });

  it('numbers monitors from 1,000,000, keeps state apart from definitions, and trims history', () => {
    const { store } = open();
    const changes: string[] = [];
    store.monitors.changes.subscribe((c) => changes.push(`${c.kind}:${c.id}`));
    const m = store.monitors.create(doc);
    expect(m.doc.id).toBe(1_000_000);
    for (let i = 0; i < 5; i++) {
      store.monitors.writeState(m.doc.id, {
        at: i * 1000,
        overallState: i % 2 ? 'Alert' : 'OK',
        groups: {},
        transitions: [{ at: i * 1000, group: '*', from: null, to: i % 2 ? 'Alert' : 'OK' }],
      });
    }
    store.monitors.replace(m.doc.id, { ...m.doc, name: 'renamed' });
    const stored = store.monitors.get(m.doc.id);
    expect(stored?.doc.name).toBe('renamed');
    expect(stored?.state).toMatchObject({
      overallState: 'OK',
      overallStateModified: 4000,
      evaluatedAt: 4000,
    });
    expect(store.monitors.history(m.doc.id, { limit: 2 }).map((t) => t.at)).toEqual([3000, 4000]);
    expect(store.monitors.history(m.doc.id, { since: 2500 }).map((t) => t.at)).toEqual([3000, 4000]);
    expect(store.monitors.delete(m.doc.id)).toBe(true);
    expect(store.monitors.history(m.doc.id)).toEqual([]);
    expect(changes).toEqual(['created:1000000', 'updated:1000000', 'deleted:1000000']);
  });

  it('appends the outbox to outbox.jsonl and records deliveries', () => {
    const { store, dataDir } = open();
    const a = store.outbox.add(
      { source: 'monitor', to: ['me@example.com'], title: 'Triggered', body: 'x', monitorId: 7 },
      1000,
    );
    store.outbox.add({ source: 'event', to: ['team'], title: 'Hi', body: 'y' }, 2000);
    expect(store.outbox.addDelivery(a.id, { channel: 'webhook', ok: true, at: 1500 })).toBe(true);
    expect(store.outbox.get(a.id)?.deliveries).toEqual([{ channel: 'webhook', ok: true, at: 1500 }]);
    expect(store.outbox.list({ to: 'team' }).map((e) => e.title)).toEqual(['Hi']);
    expect(store.outbox.list({ afterId: a.id }).map((e) => e.title)).toEqual(['Hi']);
    const lines = readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.title, l.at])).toEqual([
      [1, 'Triggered', '1970-01-01T00:00:01.000Z'],
      [2, 'Hi', '1970-01-01T00:00:02.000Z'],
    ]);
  });

  it('keeps everything across a reopen, event ids increasing and exact', () => {
    const { store, dataDir } = open();
    const base = {
      text: '',
      priority: null,
      alert_type: null,
      host: null,
      aggregation_key: null,
      source_type_name: null,
      related_event_id: null,
      device_name: null,
      tags: [],
    };
    const e1 = store.events.add({ ...base, title: 'a', date_happened: 1 }, 5);
    const e2 = store.events.add({ ...base, title: 'b', date_happened: 2 }, 5);
    expect(e2.id).toBe(e1.id + 1);
    store.close();
    const again = open(dataDir).store;
    expect(again.events.get(e2.id)?.title).toBe('b');
    const e3 = again.events.add({ ...base, title: 'c', date_happened: 3 }, 5);
    expect(e3.id).toBeGreaterThan(e2.id);
    expect(Number.isSafeInteger(e3.id)).toBe(true);
  });
});

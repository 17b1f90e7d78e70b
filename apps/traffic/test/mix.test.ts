import { describe, expect, it } from 'vitest';
import {
  BURST_WEIGHTS,
  ERRORS_WEIGHTS,
  EXPECTED_ERROR_STATUS,
  pickKind,
  type RouteKind,
  STEADY_WEIGHTS,
  shares,
  weightsFor,
} from '../src/mix.ts';
import { IdPool, planRequest } from '../src/requests.ts';
import { seeded } from './helpers.ts';

describe('the weighted mix', () => {
  it('picks each kind in proportion to its weight', () => {
    const random = seeded(1);
    const counts: Partial<Record<RouteKind, number>> = {};
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const k = pickKind(ERRORS_WEIGHTS, random);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const [kind, share] of Object.entries(shares(ERRORS_WEIGHTS))) {
      expect(Math.abs((counts[kind as RouteKind] ?? 0) / n - share)).toBeLessThan(0.005);
    }
  });

  it('documents its modes: steady and burst hold no bad inputs, errors holds 40%', () => {
    const bad = (w: Record<string, number>) =>
      Object.entries(w).reduce((sum, [k, v]) => sum + (k in EXPECTED_ERROR_STATUS ? v : 0), 0);
    expect(bad(shares(STEADY_WEIGHTS))).toBe(0);
    expect(bad(shares(BURST_WEIGHTS))).toBe(0);
    expect(bad(shares(ERRORS_WEIGHTS))).toBeCloseTo(0.4, 5);
    const writes = (w: Record<string, number>) => (w.createNote ?? 0) + (w.deleteNote ?? 0);
    expect(writes(shares(BURST_WEIGHTS))).toBeGreaterThan(2 * writes(shares(STEADY_WEIGHTS)));
    expect(weightsFor('steady', true)).toBe(STEADY_WEIGHTS);
    expect(weightsFor('burst', false)).toBe(STEADY_WEIGHTS);
    expect(weightsFor('burst', true)).toBe(BURST_WEIGHTS);
    expect(weightsFor('errors')).toBe(ERRORS_WEIGHTS);
  });

  it('plans requests on the contract routes, by-id ones from known ids only', () => {
    const random = seeded(2);
    const ids = new IdPool(3);
    expect(planRequest('getNote', ids, random)).toMatchObject({ kind: 'listNotes', method: 'GET' });
    expect(planRequest('deleteNote', ids, random).kind).toBe('listNotes');
    for (const id of [1, 2, 3, 4]) ids.add(id);
    expect(ids.size).toBe(3); // bounded: the oldest is forgotten
    const del = planRequest('deleteNote', ids, random);
    expect(del).toMatchObject({ kind: 'deleteNote', method: 'DELETE' });
    expect(del.path).toMatch(/^\/api\/notes\/[234]$/);
    expect(ids.size).toBe(2);
    const create = planRequest('createNote', ids, random);
    expect(create.method).toBe('POST');
    expect(JSON.parse(create.body!)).toEqual({ title: expect.any(String), body: expect.any(String) });
    expect(JSON.parse(planRequest('createInvalid', ids, random).body!).title).toBeUndefined();
    expect(() => JSON.parse(planRequest('createMalformed', ids, random).body!)).toThrow();
    expect(planRequest('listNotes', ids, random).path).toMatch(/^\/api\/notes\?limit=(10|20|50)&offset=\d+$/);
    expect(planRequest('home', ids, random).path).toBe('/');
    expect(planRequest('apm', ids, random).path).toBe('/api/apm');
    expect(planRequest('trace', ids, random).path).toBe('/api/trace');
  });
});

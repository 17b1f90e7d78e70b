import { describe, expect, it } from 'vitest';
import { Repeats } from './repeats.ts';

describe('Repeats', () => {
  it('gives back the first of equal maps, strings and ids', () => {
    const r = new Repeats();
    const a = { env: 'dev', version: '1' };
    expect(r.map(a)).toBe(a);
    expect(r.map({ env: 'dev', version: '1' })).toBe(a);
    const m = { _sampling_priority_v1: 1, 'db.rows': 2.5 };
    expect(r.map({ ...m })).toEqual(m);
    expect(r.map({ _sampling_priority_v1: 1, 'db.rows': 2.5 })).toBe(r.map(m));
    const s = r.string(['GET ', '/'].join(''));
    expect(r.string('GET /')).toBe(s);
    let made = 0;
    const decimal = (v: bigint | number) => {
      made++;
      return String(v);
    };
    expect(r.id(18446744073709551615n, decimal)).toBe('18446744073709551615');
    expect(r.id(18446744073709551615n, decimal)).toBe('18446744073709551615');
    expect(made).toBe(1);
  });

  it('never merges maps that differ in a key, a value, its kind, its sign or the order', () => {
    const r = new Repeats();
    const maps: Record<string, string | number>[] = [
      { a: 'x\u0000b', c: 'y' },
      { a: 'x', b: 'c', y: '' },
      { a: '1' },
      { a: 1 },
      { a: 0 },
      { a: -0 },
      { a: Number.NaN },
      { a: 'NaN' },
      { ab: 'c' },
      { a: 'bc' },
      { a: '1', b: '2' },
      { b: '2', a: '1' },
      {},
    ];
    for (const m of maps) expect(r.map(m)).toBe(m);
    expect(Object.is(r.map({ a: -0 }).a, -0)).toBe(true);
    expect(Object.keys(r.map({ b: '2', a: '1' }))).toEqual(['b', 'a']);
  });
});

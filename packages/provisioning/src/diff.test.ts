import { describe, expect, it } from 'vitest';
import { diffFields } from './diff.ts';
import type { Json } from './wire.ts';

const cases: Array<{
  desc: string;
  desired: Json;
  live: Json | undefined;
  expected: Array<[string, Json | undefined, Json]>;
}> = [
  { desc: 'equal objects', desired: { a: 1, b: { c: 'x' } }, live: { a: 1, b: { c: 'x' } }, expected: [] },
  {
    desc: 'fields the target adds are not drift',
    desired: { a: 1 },
    live: { a: 1, id: 7, created: 'now' },
    expected: [],
  },
  {
    desc: 'a nested field, by its path',
    desired: { options: { thresholds: { critical: 800, warning: 400 } } },
    live: { options: { thresholds: { critical: 800, warning: 500 } } },
    expected: [['options.thresholds.warning', 500, 400]],
  },
  {
    desc: 'a field the target lacks',
    desired: { a: 1, b: true },
    live: { a: 1 },
    expected: [['b', undefined, true]],
  },
  {
    desc: 'tags in another order',
    desired: { tags: ['a:1', 'b:2'] },
    live: { tags: ['b:2', 'a:1'] },
    expected: [],
  },
  {
    desc: 'a tag missing',
    desired: { tags: ['a:1', 'b:2'] },
    live: { tags: ['a:1'] },
    expected: [['tags', ['a:1'], ['a:1', 'b:2']]],
  },
  {
    desc: 'widgets item by item',
    desired: { widgets: [{ definition: { q: 'a' } }, { definition: { q: 'b' } }] },
    live: {
      widgets: [
        { id: 1, definition: { q: 'a' } },
        { id: 2, definition: { q: 'c' } },
      ],
    },
    expected: [['widgets[1].definition.q', 'c', 'b']],
  },
  {
    desc: 'a list of another length, whole',
    desired: { widgets: [{ q: 'a' }] },
    live: { widgets: [{ q: 'a' }, { q: 'b' }] },
    expected: [['widgets', [{ q: 'a' }, { q: 'b' }], [{ q: 'a' }]]],
  },
  {
    desc: 'trailing whitespace in text is not drift',
    desired: { message: 'hi @a' },
    live: { message: 'hi @a\n' },
    expected: [],
  },
  { desc: 'a number as text is drift', desired: { v: 5 }, live: { v: '5' }, expected: [['v', '5', 5]] },
];

describe('diffFields', () => {
  for (const { desc, desired, live, expected } of cases) {
    it(desc, () => {
      expect(diffFields(desired, live).map((c) => [c.path, c.before, c.after])).toEqual(expected);
    });
  }
});

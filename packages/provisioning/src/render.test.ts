import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Plan } from './plan.ts';
import { painter, renderPlan } from './render.ts';

const plan: Plan = {
  empty: false,
  changes: [
    { action: 'keep', kind: 'dashboard', name: 'apm-infra', id: 'abc' },
    {
      action: 'update',
      kind: 'monitor',
      name: 'my-metric-high',
      id: '7',
      definition: { kind: 'monitor', name: 'my-metric-high', body: { type: 'metric alert', query: 'q' } },
      fields: [{ path: 'options.thresholds.warning', before: 450, after: 500 }],
    },
    { action: 'delete', kind: 'monitor', name: 'old', id: '8', reason: 'not defined' },
  ],
};

describe('renderPlan', () => {
  it('writes + / ~ / - lines and one line per changed field, without colours off a TTY', () => {
    const text = renderPlan(plan, painter(new PassThrough()));
    expect(text).toBe(
      [
        '  dashboard apm-infra (id abc)',
        '~ monitor my-metric-high (id 7)',
        '    options.thresholds.warning: 450 → 500',
        '- monitor old (id 8) — no longer defined',
        'Plan: 0 to create, 1 to update, 1 to delete.',
        '',
      ].join('\n'),
    );
  });

  it('colours a TTY', () => {
    const tty = Object.assign(new PassThrough(), {
      isTTY: true,
      hasColors: () => true,
      getColorDepth: () => 8,
    });
    const text = renderPlan(plan, painter(tty));
    expect(text).toContain('\u001b[');
  });
});

import { loadConfig } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import type { Outcome } from './apply.ts';
import { challengeSet } from './definitions/index.ts';
import { definitionSettings } from './definitions/settings.ts';
import { devReport } from './dev-report.ts';

const desired = challengeSet(definitionSettings(loadConfig({ env: {}, envFile: false })));
const dashboard = desired.find((d) => d.kind === 'dashboard');
const monitor = desired.find((d) => d.kind === 'monitor');

describe('devReport', () => {
  it('names each resource as a person knows it, with its link; a deletion has no link and is left out', () => {
    if (dashboard?.kind !== 'dashboard' || monitor?.kind !== 'monitor') throw new Error('no definitions');
    const outcomes: Outcome[] = [
      {
        change: { action: 'keep', kind: 'dashboard', name: dashboard.name, id: 'abc' },
        ok: true,
        url: 'http://x/dashboard/abc',
      },
      {
        change: { action: 'create', kind: 'monitor', name: monitor.name, definition: monitor },
        ok: true,
        url: 'http://x/monitors/1',
      },
      {
        change: { action: 'delete', kind: 'monitor', name: 'old', id: '2', reason: 'not defined' },
        ok: true,
        id: '2',
      },
    ];
    expect(devReport({ outcomes, ok: true, rounds: 1 }, desired)).toEqual({
      ok: true,
      resources: [
        { kind: 'dashboard', title: dashboard.body.title, url: 'http://x/dashboard/abc' },
        { kind: 'monitor', title: monitor.body.name, url: 'http://x/monitors/1' },
      ],
    });
  });

  it('carries the first failure', () => {
    const outcomes: Outcome[] = [
      {
        change: { action: 'keep', kind: 'monitor', name: 'm', id: '1' },
        ok: false,
        error: 'Keeping monitor m: HTTP 500',
      },
    ];
    expect(devReport({ outcomes, ok: false, rounds: 3 }, desired)).toEqual({
      ok: false,
      resources: [],
      error: 'Keeping monitor m: HTTP 500',
    });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, runCli } from './cli.ts';

let server: Server;
let hits = 0;
let sandboxUrl = '';

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sandboxUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(argv: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c) => (chunks.out += c));
  stderr.on('data', (c) => (chunks.err += c));
  let sent = 0;
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: { SANDBOX_URL: sandboxUrl, DOWNTIME_TIMEZONE: 'UTC', ...env },
    envFile: false,
    http: { onEvent: () => void sent++ },
  });
  return { code, sent, ...chunks };
}

describe('parseCli', () => {
  const cases: Array<[string[], unknown]> = [
    [['plan'], { command: 'plan', target: undefined, json: false, refresh: false }],
    [
      ['apply', '--target', 'datadog', '--json'],
      { command: 'apply', target: 'datadog', json: true, refresh: false },
    ],
    [
      ['plan', '--target=sandbox', '--refresh'],
      { command: 'plan', target: 'sandbox', json: false, refresh: true },
    ],
    [['--help'], { help: true }],
    [[], { error: 'a command is required: plan, apply, destroy, export, snapshot, preview' }],
    [['deploy'], { error: 'unknown command "deploy": use plan, apply, destroy, export, snapshot, preview' }],
    [['plan', 'apply'], { error: 'one command at a time (got plan apply)' }],
    [['plan', '--target', 'prod'], { error: '--target must be sandbox or datadog (got "prod")' }],
  ];
  for (const [argv, expected] of cases) {
    it(argv.join(' ') || '(nothing)', () => expect(parseCli(argv)).toEqual(expected));
  }
  it('rejects an unknown option', () =>
    expect(parseCli(['plan', '--force'])).toMatchObject({ error: expect.stringMatching(/--force/) }));
});

describe('bad settings stop the CLI before any request', () => {
  const cases: Array<{ desc: string; env: Record<string, string>; argv?: string[]; names: RegExp }> = [
    { desc: 'one Datadog key only', env: { DD_API_KEY: 'abc' }, names: /DD_APP_KEY: is not set/ },
    {
      desc: '--target datadog without keys',
      env: {},
      argv: ['plan', '--target', 'datadog'],
      names: /DD_API_KEY: is not set: it is required with --target datadog/,
    },
    {
      desc: 'a bad timezone',
      env: { DOWNTIME_TIMEZONE: 'Mars/Olympus_Mons' },
      names: /DOWNTIME_TIMEZONE: "Mars\/Olympus_Mons" is not an IANA time zone/,
    },
    {
      desc: 'a bad site',
      env: { DD_SITE: 'datadoghq.moon' },
      names: /DD_SITE: "datadoghq.moon" is not one of/,
    },
    { desc: 'a bad handle', env: { NOTIFY_HANDLE: 'you@example.com' }, names: /NOTIFY_HANDLE/ },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const before = hits;
      const r = await run(c.argv ?? ['apply'], c.env);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(c.names);
      expect(r.err).toMatch(/nothing was sent/);
      expect(r.err).not.toContain('abc');
      expect(r.sent).toBe(0);
      expect(hits).toBe(before);
    });
  }
});

describe('export', () => {
  it('prints every definition as the JSON the API takes, without a request', async () => {
    const r = await run(['export'], { NOTIFY_HANDLE: '@ops@example.com' });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as Array<{ kind: string; name: string; body: Record<string, unknown> }>;
    expect(list.map((d) => d.name)).toEqual([
      'my-metric-high',
      'my-metric-postgres',
      'apm-infra',
      'downtime-weeknights',
      'downtime-weekend',
    ]);
    expect(list[0]?.body.query).toBe('avg(last_5m):avg:my_metric{*} by {host} > 800');
    expect(r.sent).toBe(0);
  });
});

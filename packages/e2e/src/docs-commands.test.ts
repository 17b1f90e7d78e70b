import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPorts, isolatedDemo } from './demo-env.ts';
import { commandsIn, type DocCommand, readmes } from './docs.ts';
import { type Ran, run, type Serving, serve } from './shell.ts';

// Every command the READMEs show, run as a person would type it (through sh, from the folder the
// README means), with short timeouts; a long-running one is started, waited for until its ready
// line, then stopped with Ctrl-C (SIGINT to its process group) and must exit 0 within 5 s. Only
// the ports and data folders are the test's, so it never meets a running demo. A command that
// cannot run here is listed with the reason; a command a README gains without an entry here, or
// an entry no README shows any more, fails the first test.

type Entry = { readonly run: true } | { readonly skip: string } | { readonly covered: string };
const RUN = { run: true } as const;
const BY_PNPM_TEST = { covered: 'pnpm test runs every package test script (turbo run test)' };
const BENCH = { skip: 'a benchmark: minutes of load; its figures are in docs/benchmarks.md' };

const DOCUMENTED: Readonly<Record<string, Entry>> = {
  'pnpm install': RUN,
  'pnpm install && pnpm dev': RUN,
  'npm i -g pnpm@12.4.2': { covered: 'the version is checked through `source scripts/ensure-node.sh` below' },
  'source scripts/ensure-node.sh': RUN,
  'pnpm dev': { covered: 'src/dev-session.test.ts runs it as a newcomer does' },
  'pnpm dev:status': RUN,
  'pnpm test': { covered: '.ci/run runs it; this test is part of it' },
  'pnpm test:e2e': { covered: 'pnpm test runs it; this test is one of its files' },
  'pnpm check': { covered: '.ci/run runs it before the tests (lint, types, secrets, import cycles)' },
  'pnpm build': RUN,
  'pnpm bench': BENCH,
  'pnpm --filter @dd-challenge/sandbox bench': BENCH,
  'pnpm --filter @dd-challenge/e2e bench': BENCH,
  'pnpm --filter @dd-challenge/e2e bench:footprint': BENCH,
  'pnpm sandbox': RUN,
  'pnpm docs:screenshots': {
    skip: 'rewrites the tracked pictures in docs/images (Chromium, a minute); run when pages change',
  },
  'pnpm provision plan / apply / destroy': RUN,
  'pnpm provision <plan|apply|destroy|export|snapshot|preview>': RUN,
  'pnpm provision <plan|apply|destroy|export|snapshot|preview> [--target sandbox|datadog] [--json] [--refresh]':
    RUN,
  'pnpm provision apply': RUN,
  'pnpm --filter @dd-challenge/dev-postgres dev': RUN,
  'psql postgres://postgres@127.0.0.1:54329/postgres': RUN,
  'MY_METRIC_INTERVAL=1s pnpm --filter @dd-challenge/metric-emitter start': RUN,
  'pnpm --filter @dd-challenge/sandbox start': RUN,
  'pnpm --filter @dd-challenge/traced-api dev': RUN,
  'pnpm --filter @dd-challenge/traced-api start': RUN,
  'node --conditions=@dd-challenge/source --import ./src/tracing/preload.ts --import dd-trace/initialize.mjs src/server.ts':
    RUN,
  'pnpm --filter @dd-challenge/traffic start': RUN,
  'TRAFFIC_MODE=burst TRAFFIC_RPS=10 pnpm --filter @dd-challenge/traffic start': RUN,
  'TRAFFIC_DURATION=30s pnpm --filter @dd-challenge/traffic start': RUN,
  'pnpm --filter @dd-challenge/config env-example': RUN,
  'pnpm --filter @dd-challenge/config test': BY_PNPM_TEST,
  'pnpm --filter @dd-challenge/dev test': BY_PNPM_TEST,
  'pnpm --filter @dd-challenge/metric-emitter test': BY_PNPM_TEST,
  'pnpm --filter @dd-challenge/sandbox test': BY_PNPM_TEST,
  'pnpm --filter @dd-challenge/traffic test': BY_PNPM_TEST,
  'pnpm exec vitest run': BY_PNPM_TEST,
  'pnpm deploy --prod': { skip: 'a step of the Dockerfile: needs Docker' },
  'pnpm --filter @dd-challenge/infra-checks verify-image': {
    skip: 'replays the image build, minutes per app; its README keeps it out of the tests',
  },
  'pnpm --filter @dd-challenge/infra-checks verify-image [app...]': {
    skip: 'replays the image build, minutes per app; its README keeps it out of the tests',
  },
  'docker compose -f infra/compose.yaml --profile apps up -d --build': {
    skip: 'needs Docker and a Datadog account',
  },
  'docker compose -f infra/compose.yaml ps': { skip: 'needs Docker' },
  'docker compose -f infra/compose.yaml exec datadog-agent agent status': {
    skip: 'needs Docker and a Datadog account',
  },
  'docker compose up': { skip: 'needs Docker' },
};

const root = findRepoRoot(import.meta.dirname);
const documented: DocCommand[] = readmes(root).flatMap((file) => commandsIn(root, file));
const ran = new Set<string>();
const data = mkdtempSync(join(tmpdir(), 'e2e-docs-'));
let env: Record<string, string>;
let ports: DemoPorts;

/** Runs `command` from the root (or `dir`); records that the documented `as` (default: itself) ran. */
async function sh(
  command: string,
  options: { as?: string; dir?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  ran.add(options.as ?? command);
  return run(command, { cwd: join(root, options.dir ?? ''), env, timeoutMs: options.timeoutMs ?? 60_000 });
}

async function up(
  command: string,
  ready: RegExp,
  options: { as?: string; dir?: string; timeoutMs?: number } = {},
) {
  ran.add(options.as ?? command);
  return serve(command, ready, {
    cwd: join(root, options.dir ?? ''),
    env,
    timeoutMs: options.timeoutMs ?? 90_000,
  });
}

/** Ctrl-C: exit 0 within 5 s. */
async function stopped(serving: Serving): Promise<void> {
  const result = await serving.stop();
  expect(result.code, result.output.slice(-3000)).toBe(0);
  expect(result.ms).toBeLessThan(5000);
  expect(result.output).not.toMatch(/ELIFECYCLE|ERR_PNPM/);
}

beforeAll(async () => {
  ({ ports, env } = await isolatedDemo(
    data,
    /^(DD_API_KEY|DD_APP_KEY|DATABASE_URL|SANDBOX_URL|VITEST.*|NODE_OPTIONS|FORCE_COLOR)$/,
  ));
  Object.assign(env, {
    SANDBOX_SEED_HISTORY: '0',
    CI: '1', // pnpm install keeps the lockfile as it is
  });
});

afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('the commands the READMEs show', () => {
  it('are each run here, covered by another test, or skipped with the reason', () => {
    const unknown = documented
      .filter((c) => !(c.command in DOCUMENTED))
      .map((c) => `${c.file}:${c.line}: ${c.command}`);
    expect(unknown, 'a README shows a command this test does not know: add it to DOCUMENTED').toEqual([]);
    const shown = new Set(documented.map((c) => c.command));
    expect(
      Object.keys(DOCUMENTED).filter((c) => !shown.has(c)),
      'entries no README shows any more',
    ).toEqual([]);
  });

  it('set up Node and pnpm, and install with no error', { timeout: 180_000 }, async () => {
    const node = await sh(
      `bash -c 'source scripts/ensure-node.sh >/dev/null && node --version && pnpm --version'`,
      {
        as: 'source scripts/ensure-node.sh',
      },
    );
    expect(node.code, node.output).toBe(0);
    expect(node.output).toMatch(/^v24\.\d+\.\d+$/m);
    expect(node.output).toMatch(/^12\.4\.2$/m); // what `npm i -g pnpm@12.4.2` installs
    const install = await sh('pnpm install', { timeoutMs: 170_000 });
    ran.add('pnpm install && pnpm dev');
    expect(install.code, install.output).toBe(0);
    expect(install.output).not.toMatch(/\bERR\b|ERR!|ERROR/);
  });

  it('pnpm dev:status says when pnpm dev is not running', async () => {
    const status = await sh('pnpm dev:status');
    expect(status.code).toBe(1);
    expect(status.output).toMatch(/pnpm dev is not running here .* Start it with: pnpm dev/);
  });

  it('regenerates .env.example as it is', async () => {
    const before = readFileSync(join(root, '.env.example'), 'utf8');
    const result = await sh('pnpm --filter @dd-challenge/config env-example');
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(before);
  });

  describe('with the embedded Postgres and the sandbox up', () => {
    let postgres: Serving;
    let sandbox: Serving;
    beforeAll(async () => {
      postgres = await up('pnpm --filter @dd-challenge/dev-postgres dev', /PGlite serving/, {
        timeoutMs: 120_000,
      });
      sandbox = await up('pnpm sandbox', /sandbox listening/);
    }, 240_000);
    afterAll(async () => {
      await sandbox?.stop();
      await postgres?.stop();
    });

    it('psql connects to the embedded Postgres', async () => {
      const result = await sh(
        `psql postgres://postgres@127.0.0.1:${ports.postgres}/postgres -Atc 'select 40 + 2'`,
        {
          as: 'psql postgres://postgres@127.0.0.1:54329/postgres',
        },
      );
      expect(result.code, result.output).toBe(0);
      expect(result.output.trim()).toBe('42');
    });

    it('pnpm provision plans, applies, exports, snapshots, previews and destroys', {
      timeout: 180_000,
    }, async () => {
      const all = [
        'pnpm provision plan / apply / destroy',
        'pnpm provision <plan|apply|destroy|export|snapshot|preview>',
        'pnpm provision <plan|apply|destroy|export|snapshot|preview> [--target sandbox|datadog] [--json] [--refresh]',
      ];
      for (const documentedAs of all) ran.add(documentedAs);
      const plan = await sh('pnpm provision plan --target sandbox');
      expect(plan.code, plan.output).toBe(2); // changes pending on a fresh sandbox
      expect(plan.output).toMatch(/Plan: 5 to create/);
      const apply = await sh('pnpm provision apply');
      expect(apply.code, apply.output).toBe(0);
      expect(apply.output).toMatch(/\+ dashboard my-metric-postgres created +http/);
      const again = await sh('pnpm provision plan --json --refresh');
      expect(again.code, again.output).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ target: 'sandbox', empty: true });
      const exported = await sh('pnpm provision export');
      expect(exported.code).toBe(0);
      expect((JSON.parse(exported.stdout) as unknown[]).length).toBe(5);
      const snapshot = await sh('pnpm provision snapshot');
      expect(snapshot.code, snapshot.output).toBe(0);
      expect(snapshot.output).toMatch(/^Snapshot: http/m);
      const preview = await sh('pnpm provision preview');
      expect(preview.code, preview.output).toBe(0);
      const destroy = await sh('pnpm provision destroy');
      expect(destroy.code, destroy.output).toBe(0);
      expect(destroy.output).toMatch(/- monitor my-metric-high deleted/);
    });

    it('traced-api runs from source: pnpm --filter … dev, and the node command it stands for', {
      timeout: 180_000,
    }, async () => {
      await stopped(await up('pnpm --filter @dd-challenge/traced-api dev', /Server listening/));
      await stopped(
        await up(
          'node --conditions=@dd-challenge/source --import ./src/tracing/preload.ts --import dd-trace/initialize.mjs src/server.ts',
          /Server listening/,
          { dir: 'apps/traced-api' },
        ),
      );
    });

    it('traced-api start builds first (fresh clone: no dist/), then traffic drives it', {
      timeout: 240_000,
    }, async () => {
      for (const dir of ['apps/traced-api', 'packages/config', 'apps/dev-postgres'])
        rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
      const api = await up('pnpm --filter @dd-challenge/traced-api start', /Server listening/, {
        timeoutMs: 180_000,
      });
      try {
        await stopped(
          await up('pnpm --filter @dd-challenge/traffic start', /sending steady traffic at 5 req\/s/),
        );
        await stopped(
          await up(
            'TRAFFIC_MODE=burst TRAFFIC_RPS=10 pnpm --filter @dd-challenge/traffic start',
            /sending burst traffic at 10 req\/s/,
          ),
        );
        const timed = await sh('TRAFFIC_DURATION=30s pnpm --filter @dd-challenge/traffic start', {
          timeoutMs: 60_000,
        });
        expect(timed.code, timed.output).toBe(0);
        expect(timed.output, timed.output.slice(-3000)).toMatch(/INFO \(traffic\): traffic done: /);
      } finally {
        await stopped(api);
      }
    });

    it('metric-emitter sends a point a second and stops on Ctrl-C', async () => {
      const emitter = await up(
        'MY_METRIC_INTERVAL=1s pnpm --filter @dd-challenge/metric-emitter start',
        /my_metric=\d+[\s\S]*my_metric=\d+/,
      );
      await stopped(emitter);
    });
  });

  it('the sandbox start builds first (fresh clone: no dist/)', { timeout: 180_000 }, async () => {
    ran.add('pnpm --filter @dd-challenge/sandbox start'); // tried here, whatever the outcome
    const { scripts } = JSON.parse(readFileSync(join(root, 'apps/sandbox/package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(
      scripts.prestart,
      'apps/sandbox/package.json: `start` runs dist/, so it needs a `prestart` that builds it, as apps/traced-api has (and `exec node` in start, so a Ctrl-C leaves no ELIFECYCLE)',
    ).toBeDefined();
    for (const dir of ['apps/sandbox', 'packages/config', 'packages/metric-query'])
      rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
    await stopped(
      await up('pnpm --filter @dd-challenge/sandbox start', /sandbox listening/, { timeoutMs: 150_000 }),
    );
  });

  it('pnpm build builds every package', { timeout: 300_000 }, async () => {
    const result = await sh('pnpm build', { timeoutMs: 290_000 });
    expect(result.code, result.output.slice(-3000)).toBe(0);
  });

  it('ran every command marked to run', () => {
    const toRun = Object.entries(DOCUMENTED)
      .filter(([, e]) => 'run' in e)
      .map(([c]) => c);
    expect(toRun.filter((c) => !ran.has(c))).toEqual([]);
  });
});

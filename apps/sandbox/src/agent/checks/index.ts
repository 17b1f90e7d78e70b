import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxContext } from '../../context.ts';
import { HostCheck } from './host-check.ts';
import { PostgresCheck } from './postgres-check.ts';
import { readPostgresConf } from './postgres-conf.ts';
import type { CheckStatus } from './status.ts';

export type { CheckStatus } from './status.ts';

export interface ChecksOptions {
  /** Default: <repo>/infra/agent/conf.d/postgres.d/conf.yaml. */
  readonly postgresConf?: string;
  /** Where the postgres check connects when conf.yaml's host is compose-only. Default: the project's DATABASE_URL / embedded. */
  readonly databaseUrl?: string;
  /** Host check period in seconds (the Agent's 15). */
  readonly hostIntervalSeconds?: number;
}

export interface RunningChecks {
  /** Runs every check once now (tests). */
  runAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the host check and each postgres instance on their own intervals (first run at start),
 * submitting to ctx.metrics with the sandbox clock's time. A failing run is recorded in its
 * status and retried next period, never thrown.
 */
export function startChecks(ctx: SandboxContext, options: ChecksOptions = {}): RunningChecks {
  const log = ctx.log.child({ part: 'checks' });
  const timers: NodeJS.Timeout[] = [];
  const runs: Array<() => Promise<void>> = [];
  const closers: Array<() => Promise<void>> = [];
  const nowSeconds = () => Math.floor(ctx.clock.now() / 1000);

  const schedule = (status: CheckStatus, run: () => Promise<number>) => {
    ctx.intake.checks.push(status);
    let current: Promise<void> | undefined;
    const once = (): Promise<void> => {
      current ??= runOnce().finally(() => {
        current = undefined;
      });
      return current;
    };
    const runOnce = async () => {
      try {
        status.samples = await run();
        status.status = 'ok';
      } catch (error) {
        if (status.status !== 'error')
          log.warn({ check: status.name, err: (error as Error).message }, `${status.name} check failed`);
        status.status = 'error';
        status.message = (error as Error).message;
      } finally {
        status.lastRun = new Date(ctx.clock.now()).toISOString();
      }
    };
    runs.push(once);
    void once();
    const timer = setInterval(() => void once(), status.intervalSeconds * 1000);
    timer.unref();
    timers.push(timer);
  };

  const hostInterval = options.hostIntervalSeconds ?? 15;
  const host = new HostCheck();
  schedule(
    {
      name: 'system',
      intervalSeconds: hostInterval,
      lastRun: undefined,
      status: 'pending',
      message: '',
      samples: 0,
    },
    async () => {
      const t = nowSeconds();
      const samples = host.run();
      for (const [metric, value] of samples)
        ctx.metrics.submit(metric, [], 'gauge', hostInterval, [[t, value]]);
      return samples.length;
    },
  );

  const confPath = options.postgresConf ?? join(ctx.config.root, 'infra/agent/conf.d/postgres.d/conf.yaml');
  if (existsSync(confPath)) {
    try {
      readPostgresConf(confPath).forEach((instance, i) => {
        const check = new PostgresCheck(instance, options.databaseUrl ?? ctx.config.database.url);
        closers.push(() => check.close());
        const status: CheckStatus = {
          name: `postgres[${i}]`,
          intervalSeconds: instance.minCollectionInterval,
          lastRun: undefined,
          status: 'pending',
          message: '',
          samples: 0,
        };
        schedule(status, async () => {
          const t = nowSeconds();
          const samples = await check.run(t);
          for (const s of samples)
            ctx.metrics.submit(s.metric, s.tags, s.type, instance.minCollectionInterval, [[t, s.value]]);
          status.message = check.note;
          return samples.length;
        });
      });
    } catch (error) {
      log.error({ err: (error as Error).message }, 'postgres check not started');
      ctx.intake.checks.push({
        name: 'postgres',
        intervalSeconds: 0,
        lastRun: undefined,
        status: 'error',
        message: (error as Error).message,
        samples: 0,
      });
    }
  }

  return {
    async runAll() {
      await Promise.all(runs.map((r) => r()));
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const c of closers) await c();
    },
  };
}

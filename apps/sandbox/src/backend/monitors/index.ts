/**
 * The monitor engine part of the sandbox: started by startSandbox, it evaluates metric monitors
 * on the sandbox clock.
 */
import { ManualClock } from '../../clock.ts';
import type { SandboxContext } from '../../context.ts';
import { Delivery } from './delivery.ts';
import { MonitorEngine } from './engine.ts';

export { type CycleReport, MonitorEngine } from './engine.ts';

/**
 * Creates the engine over ctx.metrics and ctx.store, with delivery per the configuration, and
 * starts its timer, except on a ManualClock: there the test moves time and calls tick()/runUntil().
 */
export function startMonitorEngine(ctx: SandboxContext): MonitorEngine {
  const log = ctx.log.child({ part: 'monitors' });
  const delivery = new Delivery({
    outbox: ctx.store.outbox,
    now: () => ctx.clock.now(),
    log,
    webhookUrl: ctx.config.sandbox.webhookUrl,
    smtpUrl: ctx.config.sandbox.smtpUrl,
  });
  const engine = new MonitorEngine({
    clock: ctx.clock,
    log,
    store: ctx.store,
    source: ctx.metrics,
    hosts: ctx.hosts,
    delivery,
  });
  // Poll often enough that a sped-up clock (SANDBOX_CLOCK_SPEED) still gets every minute on time.
  const speed = ctx.config.sandbox.clockSpeed;
  if (!(ctx.clock instanceof ManualClock)) engine.start(Math.min(1000, Math.max(20, 60_000 / speed / 4)));
  return engine;
}

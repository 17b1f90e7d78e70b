import type { v1, v2 } from '@datadog/datadog-api-client';
import type { Api } from './client.ts';
import { type Definition, KINDS, type Kind } from './definitions/types.ts';
import { describeError, isTransient } from './errors.ts';
import { type Change, type Plan, plan } from './plan.ts';
import { resourceUrl } from './urls.ts';

/** What became of one change. */
export interface Outcome {
  readonly change: Change;
  readonly ok: boolean;
  /** The id on the target (a created resource's new id). */
  readonly id?: string;
  /** Where a person looks at it; absent for deletions. */
  readonly url?: string;
  readonly error?: string;
  readonly transient?: boolean;
}

export interface ApplyResult {
  readonly outcomes: readonly Outcome[];
  readonly ok: boolean;
  /** Plan + apply rounds run (a transient failure leads to another round, bounded). */
  readonly rounds: number;
}

async function createOne(api: Api, definition: Definition): Promise<string> {
  switch (definition.kind) {
    case 'monitor': {
      // Datadog checks a monitor's query and options at /monitor/validate: nothing is created
      // unless it passes, so a typo fails before anything changes.
      await api.monitors.validateMonitor({ body: definition.body });
      const created = await api.monitors.createMonitor({ body: definition.body });
      return String(created.id);
    }
    case 'dashboard': {
      const created = await api.dashboards.createDashboard({ body: definition.body });
      return String(created.id);
    }
    case 'downtime': {
      const created = await api.downtimes.createDowntime({
        body: { data: { type: 'downtime', attributes: definition.body } },
      });
      return String(created.data?.id);
    }
  }
}

async function updateOne(api: Api, definition: Definition, id: string): Promise<void> {
  switch (definition.kind) {
    case 'monitor': {
      const monitorId = Number(id);
      await api.monitors.validateExistingMonitor({ monitorId, body: definition.body });
      await api.monitors.updateMonitor({ monitorId, body: definition.body as v1.MonitorUpdateRequest });
      return;
    }
    case 'dashboard':
      await api.dashboards.updateDashboard({ dashboardId: id, body: definition.body });
      return;
    case 'downtime':
      await api.downtimes.updateDowntime({
        downtimeId: id,
        body: {
          data: { id, type: 'downtime', attributes: definition.body as v2.DowntimeUpdateRequestAttributes },
        },
      });
      return;
  }
}

async function deleteOne(api: Api, kind: Kind, id: string): Promise<void> {
  switch (kind) {
    case 'monitor':
      await api.monitors.deleteMonitor({ monitorId: Number(id) });
      return;
    case 'dashboard':
      await api.dashboards.deleteDashboard({ dashboardId: id });
      return;
    case 'downtime':
      // v2 "cancel" is the delete: the downtime stops muting at once and leaves the list later.
      await api.downtimes.cancelDowntime({ downtimeId: id });
      return;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number })?.code === 404;
}

async function run(api: Api, change: Change): Promise<Outcome> {
  const label = `${verb(change)} ${change.kind} ${change.name}`;
  try {
    switch (change.action) {
      case 'keep':
        return { change, ok: true, id: change.id, url: resourceUrl(api.target, change.kind, change.id) };
      case 'create': {
        const id = await createOne(api, change.definition);
        return { change, ok: true, id, url: resourceUrl(api.target, change.kind, id) };
      }
      case 'update':
        await updateOne(api, change.definition, change.id);
        return { change, ok: true, id: change.id, url: resourceUrl(api.target, change.kind, change.id) };
      case 'delete':
        try {
          await deleteOne(api, change.kind, change.id);
        } catch (error) {
          if (!isNotFound(error)) throw error; // already gone: the goal is reached
        }
        return { change, ok: true, id: change.id };
    }
  } catch (error) {
    return { change, ok: false, error: describeError(label, error), transient: isTransient(error) };
  }
}

function verb(change: Change): string {
  return { create: 'Creating', update: 'Updating', delete: 'Deleting', keep: 'Keeping' }[change.action];
}

/**
 * Carries out a plan: deletions first (downtimes, then dashboards, then monitors), then creations
 * and updates (monitors, dashboards, downtimes); within a kind in parallel, bounded by the
 * transport's concurrency. Every change is attempted; failures are reported, not thrown.
 */
export async function executePlan(api: Api, planned: Plan): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const deletes = planned.changes.filter((c) => c.action === 'delete');
  const rest = planned.changes.filter((c) => c.action !== 'delete');
  for (const kind of [...KINDS].reverse()) {
    outcomes.push(...(await Promise.all(deletes.filter((c) => c.kind === kind).map((c) => run(api, c)))));
  }
  for (const kind of KINDS) {
    outcomes.push(...(await Promise.all(rest.filter((c) => c.kind === kind).map((c) => run(api, c)))));
  }
  return outcomes;
}

/**
 * Converges the target on the definitions: plan, execute, and when something failed for a
 * reason of the target's (5xx, reset, rate limit), plan again from what the target now holds
 * and execute what is left — at most `maxRounds` times. Because every round starts by reading
 * the target by ownership tags, a create that did happen is found, never repeated.
 */
export async function apply(
  api: Api,
  desired: readonly Definition[],
  options: { maxRounds?: number; refresh?: boolean; onPlan?: (plan: Plan, round: number) => void } = {},
): Promise<ApplyResult> {
  const maxRounds = options.maxRounds ?? 3;
  const final = new Map<string, Outcome>();
  for (let round = 1; ; round++) {
    const planned = await plan(api, desired, { refresh: options.refresh });
    options.onPlan?.(planned, round);
    const outcomes = await executePlan(api, planned);
    for (const o of outcomes) {
      const key = `${o.change.kind}/${o.change.name}/${o.change.action === 'delete' ? o.change.id : ''}`;
      const earlier = final.get(key);
      // A later round's "keep" of something an earlier round created still reports the creation.
      if (earlier?.ok && o.change.action === 'keep') continue;
      final.set(key, o);
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length === 0 || round >= maxRounds || failed.some((o) => !o.transient)) {
      const all = [...final.values()];
      return { outcomes: all, ok: failed.length === 0, rounds: round };
    }
  }
}

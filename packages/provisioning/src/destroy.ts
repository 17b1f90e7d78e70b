import { executePlan, type Outcome } from './apply.ts';
import type { Api } from './client.ts';
import { type Plan, plan } from './plan.ts';

/** What destroy would remove: every owned resource (by ownership tags), nothing else. */
export function planDestroy(api: Api): Promise<Plan> {
  return plan(api, []);
}

/** Removes every resource this project owns on the target; resources without its tags are never touched. */
export async function destroy(api: Api): Promise<{ plan: Plan; outcomes: Outcome[]; ok: boolean }> {
  const planned = await planDestroy(api);
  const outcomes = await executePlan(api, planned);
  return { plan: planned, outcomes, ok: outcomes.every((o) => o.ok) };
}

import type { ApplyResult } from './apply.ts';
import type { Definition } from './definitions/types.ts';

/** What the step hands the launcher when it is done. */
export interface DevReport {
  readonly ok: boolean;
  /** Every resource the target holds for the challenge, as a person knows it. */
  readonly resources: readonly { readonly kind: string; readonly title: string; readonly url: string }[];
  /** The first failure, when not ok. */
  readonly error?: string;
}

/** A resource as a person knows it: the dashboard's title, the monitor's name. */
function titleOf(definition: Definition | undefined, name: string): string {
  if (definition?.kind === 'dashboard') return definition.body.title;
  if (definition?.kind === 'monitor') return definition.body.name ?? name;
  return name;
}

export function devReport(result: ApplyResult, desired: readonly Definition[]): DevReport {
  const byName = new Map(desired.map((d) => [d.name, d]));
  const resources = result.outcomes.flatMap((o) =>
    o.ok && o.url
      ? [{ kind: o.change.kind, title: titleOf(byName.get(o.change.name), o.change.name), url: o.url }]
      : [],
  );
  const error = result.outcomes.find((o) => !o.ok)?.error;
  return { ok: result.ok, resources, ...(error ? { error } : {}) };
}

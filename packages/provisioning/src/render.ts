import { styleText } from 'node:util';
import type { Outcome } from './apply.ts';
import type { Change, Plan } from './plan.ts';

type Color = 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan';

/** Colours for one output stream: styleText checks the stream (a TTY, NO_COLOR, FORCE_COLOR). */
export function painter(stream: NodeJS.WritableStream): (color: Color, text: string) => string {
  return (color, text) => styleText(color, text, { stream: stream as NodeJS.WriteStream });
}

function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const SIGN = { create: '+', update: '~', delete: '-', keep: ' ' } as const;
const COLOR = { create: 'green', update: 'yellow', delete: 'red', keep: 'dim' } as const;

function headline(change: Change): string {
  const id = 'id' in change ? ` (id ${change.id})` : '';
  const why =
    change.action === 'delete'
      ? change.reason === 'duplicate'
        ? ' — duplicate'
        : ' — no longer defined'
      : '';
  return `${SIGN[change.action]} ${change.kind} ${change.name}${id}${why}`;
}

/** The plan as text: one line per resource, then one per changed field. */
export function renderPlan(plan: Plan, paint: ReturnType<typeof painter>): string {
  const lines: string[] = [];
  for (const change of plan.changes) {
    lines.push(paint(COLOR[change.action], headline(change)));
    if (change.action === 'update') {
      for (const f of change.fields)
        lines.push(`    ${f.path}: ${paint('red', show(f.before))} → ${paint('green', show(f.after))}`);
    }
  }
  const count = (a: Change['action']) => plan.changes.filter((c) => c.action === a).length;
  lines.push(
    plan.empty
      ? paint('bold', 'No changes: the target matches the definitions.')
      : paint(
          'bold',
          `Plan: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete.`,
        ),
  );
  return `${lines.join('\n')}\n`;
}

/** What apply or destroy did: each resource, its URL, and any failure with what to do. */
export function renderOutcomes(outcomes: readonly Outcome[], paint: ReturnType<typeof painter>): string {
  const lines = outcomes.map((o) => {
    const { change } = o;
    if (!o.ok) return paint('red', `✗ ${o.error}`);
    const done = { create: 'created', update: 'updated', delete: 'deleted', keep: 'unchanged' }[
      change.action
    ];
    const where = o.url ? `  ${paint('cyan', o.url)}` : '';
    return `${paint(COLOR[change.action], `${SIGN[change.action]} ${change.kind} ${change.name} ${done}`)}${where}`;
  });
  return `${lines.join('\n')}\n`;
}

/** A plan as plain data for --json. */
export function planJson(plan: Plan): unknown {
  return {
    empty: plan.empty,
    changes: plan.changes.map((c) => ({
      action: c.action,
      kind: c.kind,
      name: c.name,
      ...('id' in c ? { id: c.id } : {}),
      ...(c.action === 'update' ? { fields: c.fields } : {}),
      ...(c.action === 'delete' ? { reason: c.reason } : {}),
    })),
  };
}

/** Outcomes as plain data for --json. */
export function outcomesJson(outcomes: readonly Outcome[]): unknown {
  return outcomes.map((o) => ({
    action: o.change.action,
    kind: o.change.kind,
    name: o.change.name,
    ok: o.ok,
    ...(o.id ? { id: o.id } : {}),
    ...(o.url ? { url: o.url } : {}),
    ...(o.error ? { error: o.error } : {}),
  }));
}

import { randomInt } from 'node:crypto';
import type { Json, JsonObject } from '../../db/types.ts';
import { isoMicros } from '../timestamps.ts';
import type { SandboxUser } from '../user.ts';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A dashboard id shaped like Datadog's: `abc-def-ghi`. */
export function newDashboardId(): string {
  const group = () => Array.from({ length: 3 }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

/** Datadog's URL slug: lower case, spaces to dashes, other punctuation dropped, at most 80 chars. */
export function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 80);
}

/** A widget id like Datadog's: a random 16-digit integer (below 2^53, exact in JSON). */
function newWidgetId(): number {
  return 1_000_000_000_000_000 + randomInt(2 ** 47) * 50 + randomInt(50);
}

/** Gives every widget (and the widgets of groups) an id; ids already there are kept. */
export function assignWidgetIds(widgets: Json): Json {
  if (!Array.isArray(widgets)) return widgets;
  return widgets.map((w) => {
    if (!w || typeof w !== 'object' || Array.isArray(w)) return w;
    const definition = w.definition;
    const def =
      definition &&
      typeof definition === 'object' &&
      !Array.isArray(definition) &&
      Array.isArray(definition.widgets)
        ? { ...definition, widgets: assignWidgetIds(definition.widgets) }
        : definition;
    const { id, ...rest } = w;
    return {
      ...rest,
      ...(def === undefined ? {} : { definition: def }),
      id: typeof id === 'number' ? id : newWidgetId(),
    };
  });
}

/** Datadog refuses a template variable with both `default` and `defaults`; returns the problem. */
export function templateVariablesProblem(vars: Json | undefined): string | undefined {
  if (!Array.isArray(vars)) return undefined;
  for (const v of vars) {
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      v.default !== undefined &&
      v.defaults !== undefined
    ) {
      return "'template_variables' is invalid";
    }
  }
  return undefined;
}

/** The deprecated single `default` also answers as `defaults: [default]`. */
function normalizeTemplateVariables(vars: Json | undefined): Json {
  if (!Array.isArray(vars)) return vars ?? null;
  return vars.map((v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    if (typeof v.default === 'string' && v.defaults === undefined) return { ...v, defaults: [v.default] };
    return v;
  });
}

/** A stored dashboard from a validated body: server fields first, as Datadog orders them. */
export function dashboardDoc(
  id: string,
  body: JsonObject,
  user: SandboxUser,
  createdMs: number,
  modifiedMs: number,
): JsonObject {
  const title = String(body.title);
  const {
    id: _id,
    author_handle: _a,
    author_name: _n,
    created_at: _c,
    modified_at: _m,
    url: _u,
    widgets,
    template_variables,
    ...rest
  } = body;
  return {
    id,
    title,
    description: body.description ?? null,
    author_handle: user.handle,
    author_name: user.name,
    layout_type: body.layout_type ?? 'ordered',
    url: `/dashboard/${id}/${slugOf(title)}`,
    is_read_only: body.is_read_only ?? false,
    template_variables: normalizeTemplateVariables(template_variables),
    widgets: assignWidgetIds(widgets ?? []),
    notify_list: body.notify_list ?? null,
    created_at: isoMicros(createdMs),
    modified_at: isoMicros(modifiedMs),
    restricted_roles: body.restricted_roles ?? [],
    ...Object.fromEntries(
      Object.entries(rest).filter(
        ([k]) =>
          !['description', 'layout_type', 'is_read_only', 'notify_list', 'restricted_roles'].includes(k),
      ),
    ),
  };
}

/** The list entry (DashboardSummaryDefinition) of a dashboard. */
export function dashboardSummary(doc: JsonObject, deletedAt: number | null): JsonObject {
  return {
    id: doc.id ?? null,
    title: doc.title ?? null,
    description: doc.description ?? null,
    layout_type: doc.layout_type ?? null,
    url: doc.url ?? null,
    is_read_only: doc.is_read_only ?? false,
    created_at: doc.created_at ?? null,
    modified_at: doc.modified_at ?? null,
    author_handle: doc.author_handle ?? null,
    deleted_at: deletedAt === null ? null : isoMicros(deletedAt),
  };
}

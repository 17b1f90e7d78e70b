/**
 * Datadog's monitor message template language (a Mustache-like dialect): conditional sections
 * keyed on the transition ({{#is_alert}}, {{^is_alert}}, {{#is_match "host.name" "a"}}…{{else}}…),
 * variables ({{value}}, {{host.ip}}, {{<tagkey>.name}}, {{last_triggered_at}}), {{{raw}}} and
 * {{!-- comments --}}. Text outside any section is sent on every transition.
 *
 * Written by hand rather than with a Mustache library: Datadog's sections take arguments
 * (`is_match "tag" "a" "b"`) and `{{else}}`, which plain Mustache has not.
 */

export type MonitorStatus = 'OK' | 'Warn' | 'Alert' | 'No Data' | 'Unknown';

export interface TemplateThresholds {
  readonly critical?: number | null;
  readonly warning?: number | null;
  readonly critical_recovery?: number | null;
  readonly warning_recovery?: number | null;
}

/** What a message is rendered with: one group's transition. */
export interface TemplateContext {
  readonly from: MonitorStatus;
  readonly to: MonitorStatus;
  readonly isRenotify?: boolean;
  readonly value?: number | undefined;
  readonly thresholds?: TemplateThresholds;
  readonly comparator?: string;
  /** The group's tags (`host:a`, `env:prod`); empty for a simple alert. */
  readonly tags?: readonly string[];
  /** Address of the group's host when the sandbox knows it. */
  readonly hostIp?: string | undefined;
  /** Epoch ms. */
  readonly lastTriggeredAt?: number | undefined;
  readonly firstTriggeredAt?: number | undefined;
  /** Epoch ms of the evaluation (for triggered_duration_sec). */
  readonly now?: number;
  readonly priority?: number | null | undefined;
}

export interface RenderResult {
  readonly text: string;
  /** Variables that resolved to nothing (e.g. {{host.ip}} on a monitor not grouped by host). */
  readonly unresolved: readonly string[];
  /** Template mistakes (unclosed or stray sections, unknown section names). */
  readonly errors: readonly string[];
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string; readonly raw: boolean }
  | {
      readonly kind: 'section';
      readonly name: string;
      readonly args: readonly string[];
      readonly inverted: boolean;
      readonly body: Node[];
      readonly otherwise: Node[];
    };

interface Parsed {
  readonly nodes: Node[];
  readonly errors: string[];
}

const TAG = /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}|\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{\s*([^}]*?)\s*\}\}/g;

/** Splits `is_match "host.name" 'a b' c` into words, honouring quotes. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Parses a template into a tree; mistakes are collected, never thrown. */
export function parseTemplate(source: string): Parsed {
  const errors: string[] = [];
  const root: Node[] = [];
  const stack: { name: string; node: Extract<Node, { kind: 'section' }>; inElse: boolean }[] = [];
  const target = (): Node[] => {
    const top = stack.at(-1);
    if (!top) return root;
    return top.inElse ? top.node.otherwise : top.node.body;
  };
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(source); m; m = TAG.exec(source)) {
    if (m.index > last) target().push({ kind: 'text', text: source.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[0].startsWith('{{!')) continue;
    if (m[1] !== undefined) {
      target().push({ kind: 'var', name: m[1], raw: true });
      continue;
    }
    const inner = m[2] ?? '';
    const sigil = inner[0];
    if (sigil === '#' || sigil === '^') {
      const [name = '', ...args] = splitArgs(inner.slice(1));
      const node = { kind: 'section' as const, name, args, inverted: sigil === '^', body: [], otherwise: [] };
      target().push(node);
      stack.push({ name, node, inElse: false });
    } else if (sigil === '/') {
      const name = inner.slice(1).trim();
      const top = stack.at(-1);
      if (top?.name === name) stack.pop();
      else {
        errors.push(`{{/${name}}} closes ${top ? `{{#${top.name}}}` : 'no open section'}`);
        target().push({ kind: 'text', text: m[0] });
      }
    } else if (inner === 'else') {
      const top = stack.at(-1);
      if (top && !top.inElse) top.inElse = true;
      else {
        errors.push('{{else}} outside a section');
        target().push({ kind: 'text', text: m[0] });
      }
    } else {
      target().push({ kind: 'var', name: inner, raw: false });
    }
  }
  if (last < source.length) target().push({ kind: 'text', text: source.slice(last) });
  for (const open of stack) errors.push(`{{#${open.name}}} is never closed`);
  return { nodes: root, errors };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** How Datadog prints a value in a message: at most 3 decimals, no trailing zeros. */
export function formatNumber(value: number | null | undefined): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '';
  return String(Math.round(value * 1000) / 1000);
}

/** `2026-11-24 20:00:00 UTC`, the form Datadog uses for *_triggered_at. */
export function formatTimestamp(ms: number | undefined): string {
  if (ms === undefined) return '';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The value of tag `key` in a group's tags (`host:a` -> `a`); the first when repeated. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const prefix = `${key}:`;
  for (const tag of tags) if (tag.startsWith(prefix)) return tag.slice(prefix.length);
  return undefined;
}

/** Resolves a variable name; undefined when it has no value in this context. */
export function resolveVariable(name: string, ctx: TemplateContext): string | undefined {
  const t = ctx.thresholds ?? {};
  const tags = ctx.tags ?? [];
  const num = (v: number | null | undefined) => (v === undefined || v === null ? undefined : formatNumber(v));
  switch (name) {
    case 'value':
      return num(ctx.value);
    case 'threshold':
      return num(t.critical);
    case 'warn_threshold':
      return num(t.warning);
    case 'alert_recovery_threshold':
      return num(t.critical_recovery);
    case 'warn_recovery_threshold':
      return num(t.warning_recovery);
    case 'comparator':
      return ctx.comparator;
    case 'last_triggered_at':
      return ctx.lastTriggeredAt === undefined ? undefined : formatTimestamp(ctx.lastTriggeredAt);
    case 'last_triggered_at_epoch':
      return ctx.lastTriggeredAt === undefined ? undefined : String(ctx.lastTriggeredAt);
    case 'first_triggered_at':
      return ctx.firstTriggeredAt === undefined ? undefined : formatTimestamp(ctx.firstTriggeredAt);
    case 'first_triggered_at_epoch':
      return ctx.firstTriggeredAt === undefined ? undefined : String(ctx.firstTriggeredAt);
    case 'triggered_duration_sec':
      return ctx.firstTriggeredAt === undefined || ctx.now === undefined
        ? undefined
        : String(Math.max(0, Math.round((ctx.now - ctx.firstTriggeredAt) / 1000)));
    case 'host.ip':
      return tagValue(tags, 'host') === undefined ? undefined : ctx.hostIp;
  }
  // {{host.name}}, {{env.name}}, {{[dot.key].name}}: the value of that tag key in the group.
  const bracketed = /^\[([^\]]+)\]\.name$/.exec(name);
  if (bracketed?.[1]) return tagValue(tags, bracketed[1]);
  if (name.endsWith('.name')) return tagValue(tags, name.slice(0, -'.name'.length));
  return undefined;
}

const FLAG_SECTIONS: Record<string, (ctx: TemplateContext) => boolean> = {
  is_alert: (c) => c.to === 'Alert',
  is_warning: (c) => c.to === 'Warn',
  is_no_data: (c) => c.to === 'No Data',
  is_unknown: (c) => c.to === 'Unknown',
  is_recovery: (c) => c.to === 'OK' && c.from !== 'OK',
  is_alert_recovery: (c) => c.to === 'OK' && c.from === 'Alert',
  is_warning_recovery: (c) => c.to === 'OK' && c.from === 'Warn',
  is_no_data_recovery: (c) => c.to === 'OK' && c.from === 'No Data',
  is_alert_to_warning: (c) => c.to === 'Warn' && c.from === 'Alert',
  is_renotify: (c) => c.isRenotify === true,
};

/** The section names the renderer knows (for validation and documentation). */
export const SECTION_NAMES: readonly string[] = [
  ...Object.keys(FLAG_SECTIONS),
  'is_match',
  'is_exact_match',
  'is_priority',
];

function sectionHolds(
  node: Extract<Node, { kind: 'section' }>,
  ctx: TemplateContext,
  errors: string[],
): boolean {
  const flag = FLAG_SECTIONS[node.name];
  if (flag) return flag(ctx);
  if (node.name === 'is_match' || node.name === 'is_exact_match') {
    const [variable, ...candidates] = node.args;
    if (variable === undefined || candidates.length === 0) {
      errors.push(`{{#${node.name}}} needs a variable and at least one string`);
      return false;
    }
    const actual = resolveVariable(variable.replace(/^\{\{\s*|\s*\}\}$/g, ''), ctx);
    if (actual === undefined) return false;
    return node.name === 'is_match'
      ? candidates.some((c) => actual.includes(c))
      : candidates.some((c) => actual === c);
  }
  if (node.name === 'is_priority') {
    const wanted = (node.args[0] ?? '').toUpperCase();
    return ctx.priority !== undefined && ctx.priority !== null && wanted === `P${ctx.priority}`;
  }
  errors.push(`unknown section {{#${node.name}}}`);
  return false;
}

function renderNodes(
  nodes: readonly Node[],
  ctx: TemplateContext,
  out: string[],
  unresolved: Set<string>,
  errors: string[],
): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'var') {
      const value = resolveVariable(node.name, ctx);
      if (value === undefined) unresolved.add(node.name);
      else out.push(node.raw ? value : escapeHtml(value));
    } else {
      const holds = sectionHolds(node, ctx, errors) !== node.inverted;
      renderNodes(holds ? node.body : node.otherwise, ctx, out, unresolved, errors);
    }
  }
}

const parsedCache = new Map<string, Parsed>();

/** Parses once per distinct message (the engine renders the same few messages all day). */
function cachedParse(source: string): Parsed {
  let parsed = parsedCache.get(source);
  if (!parsed) {
    parsed = parseTemplate(source);
    if (parsedCache.size >= 5000) parsedCache.clear();
    parsedCache.set(source, parsed);
  }
  return parsed;
}

/** Renders a monitor message for one transition. */
export function renderTemplate(source: string, ctx: TemplateContext): RenderResult {
  const parsed = cachedParse(source);
  const out: string[] = [];
  const unresolved = new Set<string>();
  const errors = [...parsed.errors];
  renderNodes(parsed.nodes, ctx, out, unresolved, errors);
  return { text: out.join(''), unresolved: [...unresolved], errors: [...new Set(errors)] };
}

/**
 * The `@handles` a rendered message mentions, in order, without repeats: `@you@example.com`,
 * `@webhook-ops`, `@slack-alerts`. An `@` inside a word (an email's own) does not start one.
 */
export function extractHandles(text: string): string[] {
  const found: string[] = [];
  const re = /(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const handle = (m[1] ?? '').replace(/[.\-+]+$/, '');
    if (handle && !found.includes(handle)) found.push(handle);
  }
  return found;
}

/**
 * Which downtime mutes which monitor group: the v2 `scope` (Datadog's search syntax:
 * `service:web AND env:(dev OR staging)`, `host:auth-*`, `-env:prod`, `NOT env:prod`) matched
 * against the group's tags, and `monitor_identifier` ({monitor_id} or {monitor_tags}, every tag
 * required). A downtime matches every group that *contains* the scope's tags.
 */
import { isActiveAt, type ScheduledDowntime } from './downtime-windows.ts';

export type ScopeExpr =
  | { readonly kind: 'all' }
  | { readonly kind: 'tag'; readonly key: string; readonly pattern: string }
  | { readonly kind: 'not'; readonly expr: ScopeExpr }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ScopeExpr[] };

export type ScopeParse = { ok: true; value: ScopeExpr } | { ok: false; error: string };

/** A v2 downtime as the engine reads it (the API's attributes plus its id). */
export interface DowntimeView extends ScheduledDowntime {
  readonly scope: string;
  readonly monitor_identifier?:
    | { readonly monitor_id?: number | null; readonly monitor_tags?: readonly string[] | null }
    | null
    | undefined;
  readonly message?: string | null | undefined;
  readonly notify_end_states?: readonly string[] | null | undefined;
  readonly notify_end_types?: readonly string[] | null | undefined;
  readonly mute_first_recovery_notification?: boolean | null | undefined;
}

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' | '-' } | { t: 'word'; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|(\()|(\))|("(?:[^"\\]|\\.)*"|[^\s()]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) out.push({ t: '(' });
    else if (m[2]) out.push({ t: ')' });
    else if (m[3]) {
      const w = m[3];
      if (w === 'AND' || w === 'OR' || w === 'NOT') out.push({ t: w });
      else if (w === '-') out.push({ t: '-' });
      else if (w.startsWith('-') && w.length > 1) {
        out.push({ t: '-' });
        out.push(...tokenize(w.slice(1)));
      } else out.push({ t: 'word', v: w });
    }
  }
  return out;
}

/** Parses a downtime scope; errors name the problem as Datadog's API would reject it. */
export function parseScope(text: string): ScopeParse {
  const source = text.trim();
  if (source === '' || source === '*') return { ok: true, value: { kind: 'all' } };
  if (source.includes('?'))
    return { ok: false, error: `scope ${JSON.stringify(text)}: '?' wildcards are not supported` };
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const fail = (message: string): never => {
    throw new Error(`scope ${JSON.stringify(text)}: ${message}`);
  };
  const peek = () => tokens[pos];

  // key:(a OR b) expands to (key:a OR key:b)
  const valueGroup = (key: string): ScopeExpr => {
    pos++; // (
    const items: ScopeExpr[] = [];
    let op: 'and' | 'or' = 'or';
    for (;;) {
      const tok = tokens[pos++];
      if (!tok) fail(`unclosed parenthesis after ${key}:`);
      else if (tok.t === ')') break;
      else if (tok.t === 'OR' || tok.t === 'AND') op = tok.t === 'OR' ? 'or' : 'and';
      else if (tok.t === 'word') items.push({ kind: 'tag', key, pattern: tok.v.replace(/^"|"$/g, '') });
      else fail(`unexpected ${tok.t} inside ${key}:( … )`);
    }
    if (items.length === 0) fail(`empty value list after ${key}:`);
    return items.length === 1 ? (items[0] as ScopeExpr) : { kind: op, items };
  };

  const primary = (): ScopeExpr => {
    const tok = tokens[pos];
    if (!tok) return fail('expected a tag');
    if (tok.t === '(') {
      pos++;
      depth++;
      if (depth > 2) fail('at most 2 levels of parentheses');
      const inner = orExpr();
      if (tokens[pos]?.t !== ')') fail('missing )');
      pos++;
      depth--;
      return inner;
    }
    if (tok.t === 'NOT' || tok.t === '-') {
      pos++;
      return { kind: 'not', expr: primary() };
    }
    if (tok.t !== 'word') return fail(`unexpected ${tok.t}`);
    pos++;
    if (tok.v === '*') return { kind: 'all' };
    const colon = tok.v.indexOf(':');
    if (colon <= 0) return fail(`tag ${JSON.stringify(tok.v)} has no key (write key:value)`);
    const key = tok.v.slice(0, colon);
    const value = tok.v.slice(colon + 1);
    if (value === '') {
      if (peek()?.t === '(') return valueGroup(key);
      return fail(`tag ${JSON.stringify(tok.v)} has no value`);
    }
    return { kind: 'tag', key, pattern: value.replace(/^"|"$/g, '') };
  };

  const andExpr = (): ScopeExpr => {
    const items = [primary()];
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === ')' || tok.t === 'OR') break;
      if (tok.t === 'AND') pos++;
      items.push(primary());
    }
    return items.length === 1 ? (items[0] as ScopeExpr) : { kind: 'and', items };
  };

  const orExpr = (): ScopeExpr => {
    const items = [andExpr()];
    while (peek()?.t === 'OR') {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as ScopeExpr) : { kind: 'or', items };
  };

  try {
    const value = orExpr();
    if (pos < tokens.length) fail(`unexpected ${tokens[pos]?.t === 'word' ? 'text' : tokens[pos]?.t}`);
    if (value.kind === 'or') fail('OR is not allowed at the top level (wrap it in key:( … ) or parentheses)');
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Glob match with `*` as the only wildcard, case-insensitive like Datadog's tags. */
export function globMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern.toLowerCase() === text.toLowerCase();
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return re.test(text);
}

/** True when a group with these tags falls inside the scope. */
export function scopeMatches(expr: ScopeExpr, tags: readonly string[]): boolean {
  switch (expr.kind) {
    case 'all':
      return true;
    case 'tag':
      return tags.some((tag) => {
        const colon = tag.indexOf(':');
        return (
          colon > 0 &&
          globMatch(expr.key, tag.slice(0, colon)) &&
          globMatch(expr.pattern, tag.slice(colon + 1))
        );
      });
    case 'not':
      return !scopeMatches(expr.expr, tags);
    case 'and':
      return expr.items.every((e) => scopeMatches(e, tags));
    case 'or':
      return expr.items.some((e) => scopeMatches(e, tags));
  }
}

/** True when the downtime's monitor_identifier picks this monitor. */
export function identifiesMonitor(
  downtime: Pick<DowntimeView, 'monitor_identifier'>,
  monitor: { readonly id: number; readonly tags?: readonly string[] | undefined },
): boolean {
  const ident = downtime.monitor_identifier;
  if (!ident) return true;
  if (ident.monitor_id !== undefined && ident.monitor_id !== null) return ident.monitor_id === monitor.id;
  const wanted = ident.monitor_tags ?? [];
  const have = monitor.tags ?? [];
  return wanted.every((w) => w === '*' || have.some((h) => globMatch(w, h)));
}

const scopeCache = new Map<string, ScopeParse>();

function cachedScope(scope: string): ScopeParse {
  let parsed = scopeCache.get(scope);
  if (!parsed) {
    parsed = parseScope(scope);
    if (scopeCache.size > 1000) scopeCache.clear();
    scopeCache.set(scope, parsed);
  }
  return parsed;
}

/** True when the downtime covers this monitor's group (schedule aside). */
export function downtimeCovers(
  downtime: DowntimeView,
  monitor: { readonly id: number; readonly tags?: readonly string[] | undefined },
  groupTags: readonly string[],
): boolean {
  if (!identifiesMonitor(downtime, monitor)) return false;
  const scope = cachedScope(downtime.scope);
  return scope.ok && scopeMatches(scope.value, groupTags);
}

/** The downtimes that mute this monitor's group at `instant` (epoch ms). */
export function mutingDowntimes(
  downtimes: readonly DowntimeView[],
  monitor: { readonly id: number; readonly tags?: readonly string[] | undefined },
  groupTags: readonly string[],
  instant: number,
): DowntimeView[] {
  return downtimes.filter((d) => downtimeCovers(d, monitor, groupTags) && isActiveAt(d, instant));
}

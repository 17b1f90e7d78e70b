import type { v1 } from '@datadog/datadog-api-client';
import { type Expr, parse, parseMonitorQuery, variablesOf } from '@dd-challenge/metric-query';
import { OWNER_TAG, ownedName } from './definitions/ownership.ts';
import type { Definition } from './definitions/types.ts';
import { overlaps, type WeeklyWindow, weeklyWindows } from './weekly-windows.ts';

function queriesOf(widgets: readonly v1.Widget[]): Array<{ title: string; q: string }> {
  return widgets.flatMap((w) => {
    const d = w.definition as { title?: string; requests?: Array<{ q?: string }>; widgets?: v1.Widget[] };
    const own = (d.requests ?? []).flatMap((r) => (r.q ? [{ title: d.title ?? '(untitled)', q: r.q }] : []));
    return [...own, ...queriesOf(d.widgets ?? [])];
  });
}

function groupsByHost(e: Expr): boolean {
  switch (e.kind) {
    case 'metric':
      return e.groupBy.includes('host');
    case 'call':
      return e.args.some(groupsByHost);
    case 'binary':
      return groupsByHost(e.left) || groupsByHost(e.right);
    case 'neg':
      return groupsByHost(e.operand);
    default:
      return false;
  }
}

function section(message: string, name: string): string {
  const match = new RegExp(`{{#${name}}}([\\s\\S]*?){{/${name}}}`).exec(message);
  return match?.[1] ?? '';
}

function lintMonitor(name: string, m: v1.Monitor): string[] {
  const problems: string[] = [];
  const parsed = parseMonitorQuery(m.query);
  if (!parsed.ok)
    return [`monitor ${name}: query "${m.query}" at ${parsed.error.from}: ${parsed.error.message}`];
  const q = parsed.value;
  const message = m.message ?? '';
  const thresholds = m.options?.thresholds;
  if (thresholds?.critical !== q.threshold) {
    problems.push(
      `monitor ${name}: options.thresholds.critical (${thresholds?.critical}) must equal the query's threshold ${q.threshold}`,
    );
  }
  if (thresholds?.warning !== undefined && thresholds.warning !== null) {
    const above = q.comparator === '>' || q.comparator === '>=';
    if (above ? thresholds.warning >= q.threshold : thresholds.warning <= q.threshold) {
      problems.push(
        `monitor ${name}: warning ${thresholds.warning} must come before critical ${q.threshold} for "${q.comparator}"`,
      );
    }
  }
  if (/{{\s*host\./.test(message) && !groupsByHost(q.query)) {
    problems.push(
      `monitor ${name}: the message uses {{host.*}} but the query is not grouped by {host}, so it never resolves`,
    );
  }
  if (/{{\s*#?\s*my_metric\s*}}/.test(message))
    problems.push(`monitor ${name}: use {{value}}, not {{my_metric}}`);
  const alert = section(message, 'is_alert');
  for (const needed of ['{{value}}', '{{host.ip}}']) {
    if (!alert.includes(needed))
      problems.push(`monitor ${name}: the {{#is_alert}} section must include ${needed}`);
  }
  for (const s of ['is_alert', 'is_warning', 'is_no_data', 'is_recovery']) {
    if (!section(message, s).trim()) problems.push(`monitor ${name}: the message has no {{#${s}}} section`);
  }
  if (m.options?.notifyNoData && !m.options.noDataTimeframe) {
    problems.push(`monitor ${name}: notify_no_data without no_data_timeframe falls back to twice the window`);
  }
  return problems;
}

/**
 * Checks the definitions before any request: every query parses with the metric query parser,
 * dashboard template variables are declared, the monitor's thresholds agree with its query and
 * its message can resolve, downtime recurrences are valid and never overlap, every resource is
 * tagged as ours. Returns one line per problem.
 */
export function lintDefinitions(definitions: readonly Definition[]): string[] {
  const problems: string[] = [];
  const windows: Array<{ name: string; w: WeeklyWindow }> = [];
  const names = new Set<string>();
  for (const d of definitions) {
    const key = `${d.kind}/${d.name}`;
    if (names.has(key)) problems.push(`${key}: defined twice`);
    names.add(key);
    switch (d.kind) {
      case 'dashboard': {
        const declared = new Set((d.body.templateVariables ?? []).map((v) => v.name));
        for (const { title, q } of queriesOf(d.body.widgets)) {
          const parsed = parse(q);
          if (!parsed.ok) {
            problems.push(
              `dashboard ${d.name}, widget "${title}": "${q}" at ${parsed.error.from}: ${parsed.error.message}`,
            );
            continue;
          }
          for (const v of variablesOf(parsed.value)) {
            if (!declared.has(v))
              problems.push(`dashboard ${d.name}, widget "${title}": $${v} is not a template variable`);
          }
        }
        break;
      }
      case 'monitor':
        problems.push(...lintMonitor(d.name, d.body));
        if (ownedName(d.body.tags) !== d.name)
          problems.push(`monitor ${d.name}: tags must hold ${OWNER_TAG} and challenge-id:${d.name}`);
        break;
      case 'downtime': {
        const schedule = d.body.schedule as {
          recurrences?: Array<{ rrule: string; start?: string; duration: string }>;
        };
        for (const r of schedule?.recurrences ?? []) {
          const result = weeklyWindows(r.rrule, r.start ?? '', r.duration);
          if ('error' in result) problems.push(`downtime ${d.name}: ${result.error}`);
          else windows.push(...result.map((w) => ({ name: d.name, w })));
        }
        break;
      }
    }
  }
  const clashes = overlaps(windows.map((x) => x.w));
  for (const [a, b] of clashes) {
    const of = (w: WeeklyWindow) => windows.find((x) => x.w === w)?.name;
    problems.push(
      `downtimes ${of(a)} and ${of(b)} overlap (minutes ${a.from}-${a.to} and ${b.from}-${b.to} of the week)`,
    );
  }
  return problems;
}

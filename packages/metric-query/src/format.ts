/** Canonical text of queries: `format(parse(q))` normalises spacing; `parse(format(e))` gives `e` back. */
import type { Expr, Modifier, MonitorQuery, Scope } from './ast.ts';

const PRECEDENCE: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2 };
const UNARY_PRECEDENCE = 3;

/** Canonical text of an expression: `avg:m{a:b} by {host}.rollup(sum, 60) / 2`. */
export function format(expr: Expr): string {
  return formatAt(expr, 0);
}

function formatAt(e: Expr, parent: number): string {
  switch (e.kind) {
    case 'number':
      return formatNumber(e.value);
    case 'string':
      return quote(e.value);
    case 'metric': {
      const agg = e.aggregator ? `${e.aggregator}:` : '';
      const by = e.groupBy.length > 0 ? ` by {${e.groupBy.join(',')}}` : '';
      return `${agg}${e.metric}{${formatScope(e.scope)}}${by}${e.modifiers.map(formatModifier).join('')}`;
    }
    case 'neg':
      return `-${formatAt(e.operand, UNARY_PRECEDENCE)}`;
    case 'binary': {
      const prec = PRECEDENCE[e.op]!;
      const text = `${formatAt(e.left, prec)} ${e.op} ${formatAt(e.right, prec + 1)}`;
      return prec < parent ? `(${text})` : text;
    }
    case 'call': {
      const args = e.args.map((a) => formatAt(a, 0));
      const kwargs = e.kwargs.map(
        (k) => `${k.name}=${typeof k.value === 'number' ? formatNumber(k.value) : quote(k.value)}`,
      );
      return `${e.name}(${[...args, ...kwargs].join(', ')})`;
    }
  }
}

function formatNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function quote(s: string): string {
  return s.includes("'") ? `"${s}"` : `'${s}'`;
}

/** `.rollup(sum, 60).as_count()`: the modifier chain of a metric query. */
export function formatModifiers(mods: readonly Modifier[]): string {
  return mods.map(formatModifier).join('');
}

function formatModifier(m: Modifier): string {
  switch (m.kind) {
    case 'as_count':
    case 'as_rate':
      return `.${m.kind}()`;
    case 'rollup':
      return m.seconds === null ? `.rollup(${m.method})` : `.rollup(${m.method}, ${m.seconds})`;
    case 'fill':
      return m.limit === null ? `.fill(${m.mode})` : `.fill(${m.mode}, ${m.limit})`;
  }
}

/** Canonical text of a scope: `env:prod,!host:a` or `env:prod AND (role:db OR role:cache)`. */
export function formatScope(s: Scope): string {
  switch (s.kind) {
    case 'all':
      return '*';
    case 'tag':
      return `${s.negated ? '!' : ''}${s.key === null ? '' : `${s.key}:`}${s.value}`;
    case 'in':
      return `${s.key} ${s.negated ? 'NOT IN' : 'IN'} (${s.values.join(', ')})`;
    case 'var':
      return `$${s.name}`;
    case 'not':
      return `NOT ${s.operand.kind === 'and' || s.operand.kind === 'or' ? `(${formatScope(s.operand)})` : formatScope(s.operand)}`;
    case 'and':
      return s.operands
        .map((o) => (o.kind === 'and' || o.kind === 'or' ? `(${formatScope(o)})` : formatScope(o)))
        .join(s.comma ? ',' : ' AND ');
    case 'or':
      return s.operands.map((o) => (o.kind === 'or' ? `(${formatScope(o)})` : formatScope(o))).join(' OR ');
  }
}

/** Canonical text of a monitor query: `avg(last_5m):avg:m{*} by {host} > 800`. */
export function formatMonitorQuery(m: MonitorQuery): string {
  const agg = `${m.timeAggregation}(${m.window})`;
  const head = m.kind === 'metric' ? agg : `${m.kind}(${agg},${m.shift ?? m.window})`;
  return `${head}:${format(m.query)} ${m.comparator} ${formatNumber(m.threshold)}`;
}

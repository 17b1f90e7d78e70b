/**
 * The syntax tree of Datadog metric queries: plain data, a discriminated union keyed by `kind`.
 * Nodes carry no source positions so that `parse(format(e))` can be compared to `e` directly.
 */

/** Space aggregators: across series, point by point. `pNN` needs a distribution metric. */
export type SpaceAggregator = 'avg' | 'sum' | 'min' | 'max' | 'count' | `p${string}`;

export type RollupMethod = 'avg' | 'sum' | 'min' | 'max' | 'count';

export type FillMode = 'null' | 'zero' | 'linear' | 'last';

/** `{…}` of a metric query. */
export type Scope = AllScope | TagScope | InScope | VarScope | NotScope | AndScope | OrScope;

/** `*`: every series. */
export interface AllScope {
  readonly kind: 'all';
}

/** `k:v`, `!k:v`, a bare tag `v`, or a wildcard `k:web-*`; `key` is null for a bare tag. */
export interface TagScope {
  readonly kind: 'tag';
  readonly key: string | null;
  readonly value: string;
  readonly negated: boolean;
}

/** `key IN (a, b)` / `key NOT IN (a, b)`: the tag `key` has (or has not) one of the values. */
export interface InScope {
  readonly kind: 'in';
  readonly key: string;
  readonly values: readonly string[];
  readonly negated: boolean;
}

/** `$host`: a dashboard template variable the caller substitutes before evaluation. */
export interface VarScope {
  readonly kind: 'var';
  readonly name: string;
}

/** `NOT …` in the boolean form. */
export interface NotScope {
  readonly kind: 'not';
  readonly operand: Scope;
}

/**
 * A conjunction. `comma` remembers the comma form (`a:b,c:d`) so it formats back the same way;
 * otherwise it was written with `AND`.
 */
export interface AndScope {
  readonly kind: 'and';
  readonly operands: readonly Scope[];
  readonly comma: boolean;
}

export interface OrScope {
  readonly kind: 'or';
  readonly operands: readonly Scope[];
}

/** `.rollup(…)`, `.as_count()`, `.as_rate()`, `.fill(…)` after a metric query. */
export type Modifier =
  | { readonly kind: 'rollup'; readonly method: RollupMethod; readonly seconds: number | null }
  | { readonly kind: 'as_count' }
  | { readonly kind: 'as_rate' }
  | { readonly kind: 'fill'; readonly mode: FillMode; readonly limit: number | null };

export type Expr = MetricExpr | NumberExpr | StringExpr | NegExpr | BinaryExpr | CallExpr;

/** `[agg:]metric{scope}[ by {k,…}][.modifier()…]`; `aggregator` null when not written (avg). */
export interface MetricExpr {
  readonly kind: 'metric';
  readonly aggregator: SpaceAggregator | null;
  readonly metric: string;
  readonly scope: Scope;
  readonly groupBy: readonly string[];
  readonly modifiers: readonly Modifier[];
}

export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
}

/** Only valid as a function argument (`'basic'`, `'mean'`). */
export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
}

export interface NegExpr {
  readonly kind: 'neg';
  readonly operand: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** A keyword argument, `direction='above'` or `interval=20`. */
export interface KeywordArg {
  readonly name: string;
  readonly value: string | number;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly kwargs: readonly KeywordArg[];
}

export type Comparator = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type TimeAggregation = 'avg' | 'sum' | 'min' | 'max';

/**
 * A metric monitor query: `avg(last_5m):<expr> > 800`, or the change forms
 * `change(avg(last_5m),last_5m):<expr> > 10` / `pct_change(…)`.
 */
export interface MonitorQuery {
  readonly kind: 'metric' | 'change' | 'pct_change';
  readonly timeAggregation: TimeAggregation;
  /** As written: `last_5m`. */
  readonly window: string;
  readonly windowSeconds: number;
  /** For change/pct_change: how far back the compared window lies (`last_5m` -> 300). */
  readonly shift: string | null;
  readonly shiftSeconds: number | null;
  readonly query: Expr;
  readonly comparator: Comparator;
  readonly threshold: number;
}

export interface QueryError {
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: QueryError };

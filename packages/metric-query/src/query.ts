/** `evaluate()`: a query (text or tree) over a series source, as Datadog's /api/v1/query answers it. */
import type { Expr, ParseResult, Scope } from './ast.ts';
import { evalExpr } from './evaluate.ts';
import { format } from './format.ts';
import { parse } from './parser.ts';
import { buildResponse, type QueryResponse } from './response.ts';
import { defaultInterval, makeGrid, minimumInterval } from './rollup.ts';
import { unresolvedVariables } from './select.ts';
import type { SeriesSource } from './source.ts';
import { substituteTemplateVariables, type TemplateVariables } from './template.ts';

export interface EvaluateOptions {
  readonly source: SeriesSource;
  /** UNIX seconds. */
  readonly from: number;
  readonly to: number;
  /**
   * Rollup interval in seconds; by default chosen from the range to keep about 300 points. One
   * giving more than 1,500 points over the range is coarsened to the smallest that does not.
   */
  readonly interval?: number;
  /** Values for `$var` in scopes, substituted before evaluation. */
  readonly templateVariables?: TemplateVariables;
}

/** Every template variable still in an expression. */
export function variablesOf(e: Expr): string[] {
  const out: string[] = [];
  const walk = (x: Expr): void => {
    if (x.kind === 'metric') unresolvedVariables(x.scope as Scope, out);
    else if (x.kind === 'neg') walk(x.operand);
    else if (x.kind === 'binary') {
      walk(x.left);
      walk(x.right);
    } else if (x.kind === 'call') for (const a of x.args) walk(a);
  };
  walk(e);
  return [...new Set(out)];
}

function firstMetric(e: Expr): Extract<Expr, { kind: 'metric' }> | undefined {
  if (e.kind === 'metric') return e;
  if (e.kind === 'neg') return firstMetric(e.operand);
  if (e.kind === 'binary') return firstMetric(e.left) ?? firstMetric(e.right);
  if (e.kind === 'call') return e.args[0] ? firstMetric(e.args[0]) : undefined;
  return undefined;
}

function failure(text: string, message: string): ParseResult<never> {
  return { ok: false, error: { from: 0, to: text.length, message } };
}

/** Evaluates a query over [from, to] (UNIX seconds); errors are values, never throws. */
export function evaluate(query: string | Expr, options: EvaluateOptions): ParseResult<QueryResponse> {
  let text = typeof query === 'string' ? query : '';
  try {
    let expr: Expr;
    if (typeof query === 'string') {
      const parsed = parse(query);
      if (!parsed.ok) return parsed;
      expr = parsed.value;
    } else {
      expr = query;
      text = format(query);
    }
    const problem = checkRange(options);
    if (problem) return failure(text, problem);
    if (options.templateVariables) expr = substituteTemplateVariables(expr, options.templateVariables);
    const missing = variablesOf(expr);
    if (missing.length > 0) {
      return failure(
        text,
        `template variable ${missing.map((v) => `$${v}`).join(', ')} has no value; substitute it first`,
      );
    }
    const { from, to } = options;
    // A requested interval finer than 1,500 points over the range is coarsened, as Datadog does.
    const minInterval = minimumInterval(from, to);
    const interval = Math.max(options.interval ?? defaultInterval(from, to), minInterval);
    const r = evalExpr(expr, { source: options.source, interval, minInterval }, from, to);
    const groupBy = firstMetric(expr)?.groupBy ?? [];
    return { ok: true, value: buildResponse(text, groupBy, r, from, to, makeGrid(from, to, interval)) };
  } catch (e) {
    return failure(text, `evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Year 5138 in UNIX seconds: larger times are milliseconds passed by mistake. */
export const MAX_UNIX_SECONDS = 1e11;

function checkRange(options: EvaluateOptions): string | undefined {
  const { from, to, interval } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    return `expected from <= to in UNIX seconds but got from=${from}, to=${to}`;
  }
  if (Math.abs(from) > MAX_UNIX_SECONDS || Math.abs(to) > MAX_UNIX_SECONDS) {
    return `from=${from}, to=${to} look like milliseconds; pass UNIX seconds`;
  }
  if (interval !== undefined && !(interval > 0)) return `expected a positive interval but got ${interval}`;
  return undefined;
}

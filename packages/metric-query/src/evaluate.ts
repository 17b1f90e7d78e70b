/**
 * The evaluator: walks the tree with one `switch` per node kind. Each metric query goes
 * select -> roll up in time -> aggregate in space (per `by` group); functions and arithmetic then
 * work on bucket arrays that share a grid aligned to UNIX time.
 */
import { evalBinary } from './arithmetic.ts';
import type { Expr } from './ast.ts';
import { evalCall } from './calls.ts';
import { evalMetric } from './metric-eval.ts';
import { type EvalContext, type Evaluated, mapEvaluated } from './series.ts';

export type { EvalContext, EvalSeries, Evaluated } from './series.ts';
export { resample } from './series.ts';

export function evalExpr(e: Expr, ctx: EvalContext, from: number, to: number): Evaluated {
  switch (e.kind) {
    case 'number':
      return { kind: 'scalar', value: e.value };
    case 'string':
      throw new Error('a string outside a function argument'); // the parser never builds this
    case 'metric':
      return evalMetric(e, ctx, from, to);
    case 'neg':
      return mapEvaluated(
        evalExpr(e.operand, ctx, from, to),
        (x) => -x,
        (s) => `-${s}`,
      );
    case 'binary':
      return evalBinary(e.op, evalExpr(e.left, ctx, from, to), evalExpr(e.right, ctx, from, to));
    case 'call':
      return evalCall(e, ctx, from, to);
  }
}

/** The interval an expression's series come out on. */
export function intervalOf(e: Expr, dflt: number): number {
  switch (e.kind) {
    case 'metric':
      return e.modifiers.find((m) => m.kind === 'rollup')?.seconds ?? dflt;
    case 'neg':
      return intervalOf(e.operand, dflt);
    case 'binary':
      return e.left.kind === 'number' ? intervalOf(e.right, dflt) : intervalOf(e.left, dflt);
    case 'call':
      return e.args[0] ? intervalOf(e.args[0], dflt) : dflt;
    default:
      return dflt;
  }
}

/** Arithmetic between queries and numbers: groups pair by tag set, a missing side leaves no point. */
import type { BinaryOp } from './ast.ts';
import { type EvalSeries, type Evaluated, mapEvaluated, resample } from './series.ts';

function applyOp(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // Datadog leaves no point where the divisor is zero.
      return b === 0 ? Number.NaN : a / b;
  }
}

/** `l op r` over series (paired by group) and scalars. */
export function evalBinary(op: BinaryOp, l: Evaluated, r: Evaluated): Evaluated {
  if (l.kind === 'scalar' && r.kind === 'scalar')
    return { kind: 'scalar', value: applyOp(op, l.value, r.value) };
  if (r.kind === 'scalar')
    return mapEvaluated(
      l,
      (x) => applyOp(op, x, r.value),
      (s) => `${s} ${op} ${r.value}`,
    );
  if (l.kind === 'scalar')
    return mapEvaluated(
      r,
      (x) => applyOp(op, l.value, x),
      (s) => `${l.value} ${op} ${s}`,
    );
  const grid = l.grid;
  const rights = r.series.map((s) => ({ ...s, values: resample(s.values, r.grid, grid) }));
  const combine = (a: EvalSeries, b: EvalSeries): EvalSeries => {
    const values = new Float64Array(grid.length);
    for (let i = 0; i < values.length; i++) values[i] = applyOp(op, a.values[i]!, b.values[i]!);
    const base = a.tags.length >= b.tags.length ? a : b;
    return {
      ...base,
      values,
      expression: `${a.expression} ${op} ${b.expression}`,
      isRate: a.isRate && b.isRate,
      bands: undefined,
    };
  };
  const series: EvalSeries[] = [];
  // One ungrouped side applies to every group of the other; otherwise groups pair by tag set.
  if (rights.length === 1 && rights[0]!.tags.length === 0)
    for (const a of l.series) series.push(combine(a, rights[0]!));
  else if (l.series.length === 1 && l.series[0]!.tags.length === 0)
    for (const b of rights) series.push(combine(l.series[0]!, b));
  else {
    const byKey = new Map(rights.map((s) => [s.tags.join(','), s]));
    for (const a of l.series) {
      const b = byKey.get(a.tags.join(','));
      if (b) series.push(combine(a, b));
    }
  }
  return { kind: 'series', grid, series };
}

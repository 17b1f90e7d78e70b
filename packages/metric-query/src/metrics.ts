/** Which metrics a query reads: provisioning lints dashboards and monitors with it. */
import type { Expr } from './ast.ts';

/** Metric names a query reads, each once, in order of appearance. */
export function metricsOf(expr: Expr): string[] {
  const out = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'metric':
        out.add(e.metric);
        break;
      case 'neg':
        walk(e.operand);
        break;
      case 'binary':
        walk(e.left);
        walk(e.right);
        break;
      case 'call':
        for (const a of e.args) walk(a);
        break;
      default:
        break;
    }
  };
  walk(expr);
  return [...out];
}

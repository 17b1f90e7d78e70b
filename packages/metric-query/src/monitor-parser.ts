/**
 * Metric monitor queries:
 *
 *   monitor := head ':' expr comparator number
 *   head    := time_agg '(' window ')' | ('change'|'pct_change') '(' time_agg '(' window ')' ',' window ')'
 *   window  := last_<n>(m|h|d|w)
 */
import type { Comparator, MonitorQuery, ParseResult, TimeAggregation } from './ast.ts';
import { describe, type Token } from './lexer.ts';
import { advance, expectEnd, expectPunct, fail, type ParserState, runParser } from './parse-state.ts';
import { parseExpr } from './parser.ts';

const TIME_AGGREGATIONS: readonly TimeAggregation[] = ['avg', 'sum', 'min', 'max'];
const COMPARATORS: readonly Comparator[] = ['>', '>=', '<', '<=', '==', '!='];
const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses `avg(last_5m):avg:my_metric{*} by {host} > 800` and the change/pct_change forms. */
export function parseMonitorQuery(text: string): ParseResult<MonitorQuery> {
  return runParser(text, (p) => {
    const head = p.tok;
    if (head.type !== 'ident')
      fail(
        head.from,
        head.to,
        `expected a time aggregation (avg, sum, min, max, change, pct_change) but found ${describe(head)}`,
      );
    let kind: MonitorQuery['kind'] = 'metric';
    let shift: { text: string; seconds: number } | null = null;
    let agg: { timeAggregation: TimeAggregation; window: string; windowSeconds: number };
    if (head.text === 'change' || head.text === 'pct_change') {
      kind = head.text;
      advance(p);
      expectPunct(p, '(', `after '${head.text}'`);
      agg = parseTimeAggregation(p);
      expectPunct(p, ',', `after the window in '${head.text}(…)'`);
      shift = parseWindow(p, 'a time shift');
      expectPunct(p, ')', `to close '${head.text}('`);
    } else {
      agg = parseTimeAggregation(p);
    }
    expectPunct(p, ':', 'after the time aggregation');
    const query = parseExpr(p);
    const cmp = p.tok;
    if (cmp.type !== 'punct' || !(COMPARATORS as readonly string[]).includes(cmp.text)) {
      fail(cmp.from, cmp.to, `expected a comparator (${COMPARATORS.join(' ')}) but found ${describe(cmp)}`);
    }
    advance(p);
    const threshold = parseSignedNumber(p);
    expectEnd(p);
    return {
      kind,
      ...agg,
      shift: shift?.text ?? null,
      shiftSeconds: shift?.seconds ?? null,
      query,
      comparator: cmp.text as Comparator,
      threshold,
    };
  });
}

function parseTimeAggregation(p: ParserState): {
  timeAggregation: TimeAggregation;
  window: string;
  windowSeconds: number;
} {
  const t = p.tok;
  if (t.type !== 'ident' || !(TIME_AGGREGATIONS as readonly string[]).includes(t.text)) {
    fail(
      t.from,
      t.to,
      `expected a time aggregation (${TIME_AGGREGATIONS.join(', ')}) but found ${describe(t)}`,
    );
  }
  advance(p);
  expectPunct(p, '(', `after '${t.text}'`);
  const w = parseWindow(p, 'a time window');
  expectPunct(p, ')', 'after the time window');
  return { timeAggregation: t.text as TimeAggregation, window: w.text, windowSeconds: w.seconds };
}

function parseWindow(p: ParserState, what: string): { text: string; seconds: number } {
  const t: Token = p.tok;
  const m = t.type === 'ident' ? /^last_(\d{1,6})([mhdw])$/.exec(t.text) : null;
  if (!m)
    fail(t.from, t.to, `expected ${what} like last_5m, last_1h, last_1d or last_1w but found ${describe(t)}`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  if (seconds <= 0) fail(t.from, t.to, `expected a window longer than zero but found '${t.text}'`);
  advance(p);
  return { text: t.text, seconds };
}

function parseSignedNumber(p: ParserState): number {
  let sign = 1;
  if (p.tok.type === 'punct' && p.tok.text === '-') {
    sign = -1;
    advance(p);
  }
  const t = p.tok;
  if (t.type !== 'number') fail(t.from, t.to, `expected a threshold number but found ${describe(t)}`);
  const v = Number(t.text);
  if (!Number.isFinite(v)) fail(t.from, t.to, `number ${t.text} is out of range`);
  advance(p);
  return sign * v;
}

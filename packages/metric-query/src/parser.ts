/**
 * A hand-written recursive-descent parser for Datadog metric queries, one function per rule:
 *
 *   expr     := binary                        (precedence from PRECEDENCE, left-associative)
 *   unary    := '-' unary | primary
 *   primary  := number | '(' expr ')' | call | metric
 *   call     := ident '(' [arg (',' arg)*] ')'          (checked against SIGNATURES)
 *   arg      := ident '=' (string|number) | string | expr
 *   metric   := [agg ':'] ident '{' scope '}' [by] modifier*        (scope, by: scope-parser.ts)
 *   modifier := '.' ('rollup'|'as_count'|'as_rate'|'fill') '(' … ')'
 *
 * Failures are values `{ from, to, message }` naming what was expected; nothing throws out.
 */
import type {
  CallExpr,
  Expr,
  FillMode,
  KeywordArg,
  MetricExpr,
  Modifier,
  ParseResult,
  RollupMethod,
  SpaceAggregator,
} from './ast.ts';
import { describe, nextToken, type Token } from './lexer.ts';
import {
  advance,
  enter,
  expectEnd,
  expectPunct,
  fail,
  isPunct,
  MAX_QUERY_LENGTH,
  type ParserState,
  runParser,
} from './parse-state.ts';
import { parseBy, parseScopeBlock } from './scope-parser.ts';
import { SIGNATURES, type Signature, usage } from './signatures.ts';

export { MAX_QUERY_LENGTH };

export function parse(text: string): ParseResult<Expr> {
  return runParser(text, (p) => {
    if (p.tok.type === 'eof') fail(0, 0, 'expected a query but the input is empty');
    const e = parseExpr(p);
    expectEnd(p);
    return e;
  });
}

const PRECEDENCE: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2 };

export function parseExpr(p: ParserState): Expr {
  return parseBinary(p, 1);
}

function parseBinary(p: ParserState, minPrec: number): Expr {
  let left = parseUnary(p);
  for (;;) {
    const t = p.tok;
    const prec = t.type === 'punct' ? PRECEDENCE[t.text] : undefined;
    if (prec === undefined || prec < minPrec) return left;
    advance(p);
    const right = parseBinary(p, prec + 1);
    left = { kind: 'binary', op: t.text as '+' | '-' | '*' | '/', left, right };
  }
}

function parseUnary(p: ParserState): Expr {
  const t = p.tok;
  if (isPunct(t, '-')) {
    enter(p, t);
    advance(p);
    const operand = parseUnary(p);
    p.depth--;
    return operand.kind === 'number' ? { kind: 'number', value: -operand.value } : { kind: 'neg', operand };
  }
  return parsePrimary(p);
}

function parsePrimary(p: ParserState): Expr {
  const t = p.tok;
  if (t.type === 'number') {
    advance(p);
    return { kind: 'number', value: parseNumber(t) };
  }
  if (isPunct(t, '(')) {
    enter(p, t);
    advance(p);
    const e = parseExpr(p);
    expectPunct(p, ')', 'to close the parenthesis');
    p.depth--;
    return e;
  }
  if (t.type === 'ident') return parseIdentLed(p);
  if (t.type === 'invalid' && t.text === 'unterminated string') fail(t.from, t.to, 'unterminated string');
  fail(t.from, t.to, `expected a metric query, a number, a function call or '(' but found ${describe(t)}`);
}

function parseNumber(t: Token): number {
  const v = Number(t.text);
  if (!Number.isFinite(v)) fail(t.from, t.to, `number ${t.text} is out of range`);
  return v;
}

const AGGREGATOR = /^(?:avg|sum|min|max|count|p(?:100|[1-9]?\d)(?:\.\d+)?)$/;

function parseIdentLed(p: ParserState): Expr {
  const name = p.tok;
  advance(p);
  const t = p.tok;
  if (isPunct(t, '(')) return parseCall(p, name);
  if (isPunct(t, ':')) {
    if (!AGGREGATOR.test(name.text)) {
      fail(
        name.from,
        name.to,
        `unknown space aggregator '${name.text}' (expected avg, sum, min, max, count or p50…p99)`,
      );
    }
    advance(p);
    const metric = p.tok;
    if (metric.type !== 'ident')
      fail(
        metric.from,
        metric.to,
        `expected a metric name after '${name.text}:' but found ${describe(metric)}`,
      );
    advance(p);
    return parseMetricTail(p, name.text as SpaceAggregator, metric);
  }
  if (isPunct(t, '{')) return parseMetricTail(p, null, name);
  if (SIGNATURES[name.text])
    fail(t.from, t.to, `expected '(' after function name '${name.text}' but found ${describe(t)}`);
  fail(t.from, t.to, `expected '{' after metric name '${name.text}' but found ${describe(t)}`);
}

function parseMetricTail(p: ParserState, aggregator: SpaceAggregator | null, metric: Token): MetricExpr {
  if (!isPunct(p.tok, '{'))
    fail(
      p.tok.from,
      p.tok.to,
      `expected '{' after metric name '${metric.text}' but found ${describe(p.tok)}`,
    );
  const scope = parseScopeBlock(p);
  let groupBy = parseBy(p);
  const modifiers: Modifier[] = [];
  while (isPunct(p.tok, '.')) {
    advance(p);
    modifiers.push(parseModifier(p));
  }
  // Datadog also accepts the modifiers before `by {…}`; the canonical text puts them after.
  if (groupBy.length === 0) groupBy = parseBy(p);
  return { kind: 'metric', aggregator, metric: metric.text, scope, groupBy, modifiers };
}

const ROLLUP_METHODS: readonly RollupMethod[] = ['avg', 'sum', 'min', 'max', 'count'];
const FILL_MODES: readonly FillMode[] = ['null', 'zero', 'linear', 'last'];

function parseModifier(p: ParserState): Modifier {
  const name = p.tok;
  if (name.type !== 'ident')
    fail(name.from, name.to, `expected a modifier name after '.' but found ${describe(name)}`);
  advance(p);
  expectPunct(p, '(', `after '.${name.text}'`);
  switch (name.text) {
    case 'as_count':
    case 'as_rate':
      expectPunct(p, ')', `('.${name.text}()' takes no arguments)`);
      return { kind: name.text };
    case 'rollup': {
      const method = parseWord(p, ROLLUP_METHODS, 'a rollup method');
      const seconds = parseOptionalSeconds(p, 'rollup');
      expectPunct(p, ')', "to close '.rollup('");
      return { kind: 'rollup', method, seconds };
    }
    case 'fill': {
      const mode = parseWord(p, FILL_MODES, 'a fill mode');
      const limit = parseOptionalSeconds(p, 'fill');
      expectPunct(p, ')', "to close '.fill('");
      return { kind: 'fill', mode, limit };
    }
    default:
      fail(
        name.from,
        name.to,
        `unknown modifier '.${name.text}()' (expected rollup, as_count, as_rate or fill)`,
      );
  }
}

/** A bare or quoted word from a fixed set: `sum`, `'sum'`. */
function parseWord<T extends string>(p: ParserState, allowed: readonly T[], what: string): T {
  const t = p.tok;
  if ((t.type === 'ident' || t.type === 'string') && (allowed as readonly string[]).includes(t.text)) {
    advance(p);
    return t.text as T;
  }
  fail(t.from, t.to, `expected ${what} (${allowed.join(', ')}) but found ${describe(t)}`);
}

function parseOptionalSeconds(p: ParserState, what: string): number | null {
  if (!isPunct(p.tok, ',')) return null;
  advance(p);
  const t = p.tok;
  if (t.type !== 'number')
    fail(t.from, t.to, `expected a number of seconds in '.${what}(…)' but found ${describe(t)}`);
  const v = parseNumber(t);
  if (!Number.isInteger(v) || v <= 0)
    fail(t.from, t.to, `expected a positive whole number of seconds but found ${t.text}`);
  advance(p);
  return v;
}

// ---- calls ----

interface ArgSpan {
  readonly from: number;
  readonly to: number;
}

/** Edit distance, for "did you mean" on unknown function names (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function unknownFunctionHint(name: string): string {
  if (/^(?:avg|sum|min|max|change|pct_change)$/.test(name)) {
    const agg = name === 'change' || name === 'pct_change' ? 'avg' : name;
    return ` ('${name}(…):' is a monitor time aggregation; a query reads '${agg}:metric{…}')`;
  }
  if (name.length > 40) return '';
  const family = name.replace(/_\d+$/, '_');
  const stem = name.length >= 5 ? name.slice(0, 5) : undefined;
  const near = Object.keys(SIGNATURES).filter(
    (k) =>
      (family !== name && k.startsWith(family)) || (stem && k.startsWith(stem)) || distance(name, k) <= 2,
  );
  return near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : '';
}

function parseCall(p: ParserState, name: Token): CallExpr {
  const sig = SIGNATURES[name.text];
  if (!sig) {
    fail(name.from, name.to, `unknown function '${name.text}'${unknownFunctionHint(name.text)}`);
  }
  enter(p, name);
  advance(p); // '('
  const args: Expr[] = [];
  const spans: ArgSpan[] = [];
  const kwargs: KeywordArg[] = [];
  if (!isPunct(p.tok, ')')) {
    for (;;) {
      const start = p.tok;
      if (start.type === 'ident' && peekIsEquals(p)) {
        kwargs.push(parseKeywordArg(p, name.text, sig));
      } else {
        if (kwargs.length > 0)
          fail(
            start.from,
            start.to,
            `expected a keyword argument (positional arguments of ${name.text}() come first)`,
          );
        const param = sig.params[args.length];
        if (param?.type === 'string' && start.type === 'ident' && param.oneOf?.includes(start.text)) {
          const where = `argument ${args.length + 1} (${param.name}) of ${name.text}()`;
          fail(start.from, start.to, `${where} must be a quoted string: '${start.text}'`);
        }
        if (start.type === 'string') {
          args.push({ kind: 'string', value: start.text });
          advance(p);
        } else {
          args.push(parseExpr(p));
        }
        spans.push({ from: start.from, to: p.tok.from });
      }
      if (isPunct(p.tok, ',')) {
        advance(p);
        continue;
      }
      if (isPunct(p.tok, ')')) break;
      fail(
        p.tok.from,
        p.tok.to,
        `expected ',' or ')' in the arguments of ${name.text}() but found ${describe(p.tok)}`,
      );
    }
  }
  const close = p.tok;
  advance(p);
  p.depth--;
  checkArgs(name, close, sig, args, spans);
  return { kind: 'call', name: name.text, args, kwargs };
}

function peekIsEquals(p: ParserState): boolean {
  const save = p.lx.pos;
  const next = nextToken(p.lx);
  p.lx.pos = save;
  return isPunct(next, '=');
}

function parseKeywordArg(p: ParserState, fn: string, sig: Signature): KeywordArg {
  const key = p.tok;
  if (!sig.kwargs?.includes(key.text)) {
    const accepted = sig.kwargs ? ` (expected ${sig.kwargs.join(', ')})` : ' (it takes none)';
    fail(key.from, key.to, `unknown keyword argument '${key.text}' for ${fn}()${accepted}`);
  }
  advance(p);
  advance(p); // '='
  const v = p.tok;
  if (v.type === 'string') {
    advance(p);
    return { name: key.text, value: v.text };
  }
  let sign = 1;
  if (isPunct(v, '-')) {
    sign = -1;
    advance(p);
  }
  const n = p.tok;
  if (n.type !== 'number')
    fail(n.from, n.to, `expected a string or a number for '${key.text}=' but found ${describe(n)}`);
  advance(p);
  return { name: key.text, value: sign * parseNumber(n) };
}

function checkArgs(
  name: Token,
  close: Token,
  sig: Signature,
  args: readonly Expr[],
  spans: readonly ArgSpan[],
): void {
  const fn = name.text;
  const required = sig.params.filter((x) => !x.optional).length;
  const max = sig.params.length;
  if (args.length < required || args.length > max) {
    const count =
      required === max ? `${max} argument${max === 1 ? '' : 's'}` : `${required} to ${max} arguments`;
    fail(name.from, close.to, `${fn}() takes ${count}, ${usage(fn, sig)}, but got ${args.length}`);
  }
  args.forEach((arg, i) => {
    const param = sig.params[i]!;
    const span = spans[i]!;
    const where = `argument ${i + 1} (${param.name}) of ${fn}()`;
    if (param.type === 'query' && (arg.kind === 'string' || arg.kind === 'number')) {
      fail(span.from, span.to, `${where} must be a metric query, not a ${arg.kind}`);
    }
    if (param.type === 'number') {
      if (arg.kind !== 'number') fail(span.from, span.to, `${where} must be a number`);
      const positive =
        param.name === 'limit' ||
        param.name === 'bounds' ||
        (fn === 'moving_rollup' && param.name === 'seconds');
      if (positive && !(arg.value > 0)) fail(span.from, span.to, `${where} must be greater than 0`);
      if (param.name === 'limit' && !Number.isInteger(arg.value))
        fail(span.from, span.to, `${where} must be a whole number`);
    }
    if (param.type === 'string') {
      if (arg.kind !== 'string') fail(span.from, span.to, `${where} must be a quoted string`);
      if (param.oneOf && !param.oneOf.includes(arg.value)) {
        fail(
          span.from,
          span.to,
          `${where} must be one of ${param.oneOf.map((o) => `'${o}'`).join(', ')} but found '${arg.value}'`,
        );
      }
    }
  });
}

/** Parser plumbing shared by the grammar files: state, failures as values, token helpers. */
import type { ParseResult, QueryError } from './ast.ts';
import { createLexer, describe, type Lexer, nextToken, type Token } from './lexer.ts';

/** Longer input is refused outright: queries are short, and this bounds every parse. */
export const MAX_QUERY_LENGTH = 20_000;
export const MAX_DEPTH = 64;

export interface ParserState {
  readonly lx: Lexer;
  tok: Token;
  /** The current token while inside `{…}`. */
  scopeTok: Token;
  depth: number;
}

interface Failure {
  readonly queryError: QueryError;
}

/** Aborts the parse; caught in `runParser`, never seen by callers. */
export function fail(from: number, to: number, message: string): never {
  const failure: Failure = { queryError: { from, to, message } };
  throw failure;
}

function isFailure(e: unknown): e is Failure {
  return typeof e === 'object' && e !== null && 'queryError' in e;
}

/** Runs one grammar rule over the whole text, turning failures into values. */
export function runParser<T>(text: unknown, rule: (p: ParserState) => T): ParseResult<T> {
  if (typeof text !== 'string')
    return { ok: false, error: { from: 0, to: 0, message: 'query must be a string' } };
  if (text.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      error: {
        from: MAX_QUERY_LENGTH,
        to: text.length,
        message: `query is longer than ${MAX_QUERY_LENGTH} characters`,
      },
    };
  }
  try {
    const lx = createLexer(text);
    const tok = nextToken(lx);
    const p: ParserState = { lx, tok, scopeTok: tok, depth: 0 };
    const value = rule(p);
    return { ok: true, value };
  } catch (e) {
    if (isFailure(e)) return { ok: false, error: e.queryError };
    // Not reachable by design (the fuzz test checks); still a value rather than a throw.
    return { ok: false, error: { from: 0, to: text.length, message: `internal parser error: ${String(e)}` } };
  }
}

/** Parses a metric query expression such as `avg:system.cpu.user{env:prod} by {host}`. */
export function advance(p: ParserState): void {
  p.tok = nextToken(p.lx);
}

export function isPunct(t: Token, text: string): boolean {
  return t.type === 'punct' && t.text === text;
}

export function expectPunct(p: ParserState, text: string, where: string): Token {
  const t = p.tok;
  if (!isPunct(t, text)) fail(t.from, t.to, `expected '${text}' ${where} but found ${describe(t)}`);
  advance(p);
  return t;
}

export function expectEnd(p: ParserState): void {
  const t = p.tok;
  if (t.type !== 'eof') {
    const hint =
      t.type === 'punct' && '><='.includes(t.text[0]!) ? ' (comparisons belong to monitor queries)' : '';
    fail(t.from, t.to, `expected an operator or end of input but found ${describe(t)}${hint}`);
  }
}

export function enter(p: ParserState, t: Token): void {
  if (++p.depth > MAX_DEPTH) fail(t.from, t.to, `query is nested more than ${MAX_DEPTH} levels deep`);
}

/**
 * An on-demand lexer with two modes: expression tokens (identifiers, numbers, strings,
 * operators) and scope terms inside `{…}`, where tags may hold `-`, `/`, `:` and `*`.
 * Every call consumes at least one character or returns `eof`, so a parser built on it runs in
 * linear time.
 */

export type TokenType = 'ident' | 'number' | 'string' | 'punct' | 'term' | 'eof' | 'invalid';

export interface Token {
  readonly type: TokenType;
  /** For strings the unquoted text; for punctuation the operator itself. */
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

export interface Lexer {
  readonly text: string;
  pos: number;
}

export function createLexer(text: string): Lexer {
  return { text, pos: 0 };
}

const TWO_CHAR = new Set(['>=', '<=', '==', '!=']);
const ONE_CHAR = new Set(['(', ')', '{', '}', ',', ':', '.', '+', '-', '*', '/', '=', '>', '<', '!']);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 46;
}

function skipSpace(lx: Lexer): void {
  while (lx.pos < lx.text.length && isSpace(lx.text.charCodeAt(lx.pos))) lx.pos++;
}

/** The next token in expression mode. */
export function nextToken(lx: Lexer): Token {
  skipSpace(lx);
  const { text } = lx;
  const from = lx.pos;
  if (from >= text.length) return { type: 'eof', text: '', from, to: from };
  const c = text.charCodeAt(from);
  if (isIdentStart(c)) {
    let p = from + 1;
    while (p < text.length && isIdentPart(text.charCodeAt(p))) p++;
    // A trailing dot belongs to the next token (`…}.rollup` never reaches here, `m.` might).
    while (p > from + 1 && text.charCodeAt(p - 1) === 46) p--;
    lx.pos = p;
    return { type: 'ident', text: text.slice(from, p), from, to: p };
  }
  if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(from + 1)))) {
    const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(from, from + 64));
    const len = m ? m[0].length : 1;
    lx.pos = from + len;
    return { type: 'number', text: text.slice(from, from + len), from, to: from + len };
  }
  if (c === 39 || c === 34) {
    const end = text.indexOf(text[from]!, from + 1);
    if (end < 0) {
      lx.pos = text.length;
      return { type: 'invalid', text: 'unterminated string', from, to: text.length };
    }
    lx.pos = end + 1;
    return { type: 'string', text: text.slice(from + 1, end), from, to: end + 1 };
  }
  const two = text.slice(from, from + 2);
  if (TWO_CHAR.has(two)) {
    lx.pos = from + 2;
    return { type: 'punct', text: two, from, to: from + 2 };
  }
  const one = text[from]!;
  lx.pos = from + 1;
  if (ONE_CHAR.has(one)) return { type: 'punct', text: one, from, to: from + 1 };
  return { type: 'invalid', text: one, from, to: from + 1 };
}

const SCOPE_PUNCT = new Set(['(', ')', ',', '}', '{', '!']);

/** The next token inside `{…}`: punctuation `( ) , } !` or a term (a tag, `*`, `$var`, AND/OR/NOT). */
export function nextScopeToken(lx: Lexer): Token {
  skipSpace(lx);
  const { text } = lx;
  const from = lx.pos;
  if (from >= text.length) return { type: 'eof', text: '', from, to: from };
  const ch = text[from]!;
  if (SCOPE_PUNCT.has(ch)) {
    lx.pos = from + 1;
    return { type: 'punct', text: ch, from, to: from + 1 };
  }
  if (ch === "'" || ch === '"') {
    lx.pos = from + 1;
    return { type: 'invalid', text: ch, from, to: from + 1 };
  }
  let p = from;
  while (p < text.length) {
    const c = text[p]!;
    if (isSpace(text.charCodeAt(p)) || SCOPE_PUNCT.has(c) || c === "'" || c === '"') break;
    p++;
  }
  lx.pos = p;
  return { type: 'term', text: text.slice(from, p), from, to: p };
}

/** Describes a token for an error message: `'foo'`, `end of input`. */
export function describe(tok: Token): string {
  if (tok.type === 'eof') return 'end of input';
  if (tok.type === 'string') return `string '${tok.text}'`;
  if (tok.type === 'invalid')
    return tok.text === 'unterminated string' ? 'an unterminated string' : `'${tok.text}'`;
  return `'${tok.text}'`;
}

/**
 * The scope inside `{…}` and the key list of `by {…}`, read with the lexer's scope mode:
 *
 *   scope := or;  or := and ('OR' and)*;  and := not (('AND'|',') not)*
 *   not   := 'NOT' not | '!' tag | '(' or ')' | '*' | '$var' | key ['NOT'] 'IN' '(' v (',' v)* ')' | tag
 *   by    := 'by' '{' key (',' key)* '}'
 */
import type { Scope } from './ast.ts';
import { describe, nextScopeToken, type Token } from './lexer.ts';
import { advance, enter, fail, isPunct, type ParserState } from './parse-state.ts';

/** Parses `{…}`; on entry the current token is `{`, on exit the token after `}`. */
export function parseScopeBlock(p: ParserState): Scope {
  const scope = parseScopeOr(p, nextScopeToken(p.lx));
  const close = p.scopeTok;
  if (!isPunct(close, '}'))
    fail(close.from, close.to, `expected '}' to close the scope but found ${describe(close)}`);
  advance(p);
  return scope;
}

function scopeKeyword(t: Token): 'AND' | 'OR' | 'NOT' | 'IN' | null {
  if (t.type !== 'term') return null;
  const u = t.text.toUpperCase();
  const known = u === 'AND' || u === 'OR' || u === 'NOT' || u === 'IN';
  return known && (t.text === u || t.text === t.text.toLowerCase()) ? u : null;
}

/** After `key NOT`: whether `IN` follows (`key NOT IN (…)`). */
function peekScopeIn(p: ParserState): boolean {
  const save = p.lx.pos;
  const next = nextScopeToken(p.lx);
  p.lx.pos = save;
  return scopeKeyword(next) === 'IN';
}

/** `key IN (a, b)` / `key NOT IN (a, b)`; on entry `p.scopeTok` is `IN` or `NOT`. */
function parseScopeIn(p: ParserState, key: Token, negated: boolean): Scope {
  if (key.text.includes(':') || key.text.includes('*') || key.text.startsWith('$')) {
    fail(key.from, key.to, `expected a tag key before 'IN' but found '${key.text}'`);
  }
  if (negated) nextScopeToken(p.lx); // IN
  const open = nextScopeToken(p.lx);
  if (!isPunct(open, '(')) fail(open.from, open.to, `expected '(' after 'IN' but found ${describe(open)}`);
  const values = scopeList(p, 'a tag value', "'IN (…)'", ')', (v) => v.type === 'term' && !scopeKeyword(v));
  p.scopeTok = nextScopeToken(p.lx);
  return { kind: 'in', key: key.text, values, negated };
}

function parseScopeOr(p: ParserState, first: Token): Scope {
  const operands = [parseScopeAnd(p, first)];
  while (scopeKeyword(p.scopeTok) === 'OR') operands.push(parseScopeAnd(p, nextScopeToken(p.lx)));
  return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
}

function parseScopeAnd(p: ParserState, first: Token): Scope {
  const operands = [parseScopeNot(p, first)];
  let comma = true;
  for (;;) {
    const t = p.scopeTok;
    if (isPunct(t, ',')) operands.push(parseScopeNot(p, nextScopeToken(p.lx)));
    else if (scopeKeyword(t) === 'AND') {
      comma = false;
      operands.push(parseScopeNot(p, nextScopeToken(p.lx)));
    } else break;
  }
  return operands.length === 1 ? operands[0]! : { kind: 'and', operands, comma };
}

/** Parses one operand starting at `t`; leaves the token after it in `p.scopeTok`. */
function parseScopeNot(p: ParserState, t: Token): Scope {
  const kw = scopeKeyword(t);
  if (kw === 'NOT') {
    enter(p, t);
    const operand = parseScopeNot(p, nextScopeToken(p.lx));
    p.depth--;
    return { kind: 'not', operand };
  }
  if (isPunct(t, '(')) {
    enter(p, t);
    const inner = parseScopeOr(p, nextScopeToken(p.lx));
    const close = p.scopeTok;
    if (!isPunct(close, ')'))
      fail(close.from, close.to, `expected ')' in the scope but found ${describe(close)}`);
    p.depth--;
    p.scopeTok = nextScopeToken(p.lx);
    return inner;
  }
  if (isPunct(t, '!')) {
    const tag = nextScopeToken(p.lx);
    if (tag.type !== 'term' || scopeKeyword(tag) || tag.text === '*' || /^\$\w+$/.test(tag.text)) {
      fail(tag.from, tag.to, `expected a tag after '!' but found ${describe(tag)}`);
    }
    const s = tagScope(tag, true);
    p.scopeTok = nextScopeToken(p.lx);
    return s;
  }
  if (t.type !== 'term' || kw)
    fail(t.from, t.to, `expected a tag, '*' or '$variable' in the scope but found ${describe(t)}`);
  p.scopeTok = nextScopeToken(p.lx);
  const op = scopeKeyword(p.scopeTok);
  if (op === 'IN' || (op === 'NOT' && peekScopeIn(p))) return parseScopeIn(p, t, op === 'NOT');
  if (t.text === '*') return { kind: 'all' };
  if (t.text.startsWith('$') && !t.text.includes(':')) {
    if (!/^\$[A-Za-z_][\w-]*$/.test(t.text))
      fail(t.from, t.to, `expected a template variable name after '$' but found '${t.text}'`);
    return { kind: 'var', name: t.text.slice(1) };
  }
  return tagScope(t, false);
}

function tagScope(t: Token, negated: boolean): Scope {
  const colon = t.text.indexOf(':');
  if (colon < 0) return { kind: 'tag', key: null, value: t.text, negated };
  const key = t.text.slice(0, colon);
  const value = t.text.slice(colon + 1);
  if (key === '') fail(t.from, t.to, `expected a tag key before ':' in '${t.text}'`);
  if (value === '') fail(t.from, t.to, `expected a tag value after '${key}:'`);
  return { kind: 'tag', key, value, negated };
}

/** `by {k1,k2}` after a scope; none when the next token is not `by`. */
export function parseBy(p: ParserState): string[] {
  const t = p.tok;
  if (t.type !== 'ident' || t.text.toLowerCase() !== 'by') return [];
  advance(p);
  if (!isPunct(p.tok, '{'))
    fail(p.tok.from, p.tok.to, `expected '{' after 'by' but found ${describe(p.tok)}`);
  const keys = scopeList(
    p,
    'a tag key',
    "'by {…}'",
    '}',
    (k) => k.type === 'term' && !k.text.includes('*') && !k.text.startsWith('$'),
  );
  advance(p);
  return keys;
}

/**
 * The items of a comma-separated list up to `close` (the opening bracket already read), as in
 * `IN (a, b)` and `by {a, b}`; `item` and `where` name what was expected in the errors.
 */
function scopeList(
  p: ParserState,
  item: string,
  where: string,
  close: string,
  accepts: (t: Token) => boolean,
): string[] {
  const items: string[] = [];
  for (;;) {
    const t = nextScopeToken(p.lx);
    if (!accepts(t)) fail(t.from, t.to, `expected ${item} in ${where} but found ${describe(t)}`);
    items.push(t.text);
    const sep = nextScopeToken(p.lx);
    if (isPunct(sep, close)) break;
    if (!isPunct(sep, ','))
      fail(sep.from, sep.to, `expected ',' or '${close}' in ${where} but found ${describe(sep)}`);
  }
  return items;
}

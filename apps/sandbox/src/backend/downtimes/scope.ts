/**
 * Downtime scopes in Datadog's search syntax: `service:web-store AND env:(dev OR staging)`,
 * `host:auth-*`, `-env:prod`, `NOT env:prod`, `*`. At most 2 levels of parentheses, no
 * top-level OR, no keyless values, no `?` wildcard. A scope matches a group when the group's
 * tags satisfy it (a group `service:web-store,host:a` matches `service:web-store`).
 */
export type ScopeExpr =
  | { kind: 'all' }
  | { kind: 'term'; key: string; values: string[] }
  | { kind: 'not'; item: ScopeExpr }
  | { kind: 'and'; items: ScopeExpr[] }
  | { kind: 'or'; items: ScopeExpr[] };

export type ScopeParse = { ok: true; value: ScopeExpr } | { ok: false; error: string };

type Token = { kind: '(' | ')' } | { kind: 'word'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i++;
    } else {
      let word = '';
      while (i < text.length && !/[\s()]/.test(text[i] as string)) {
        if (text[i] === '"') {
          const close = text.indexOf('"', i + 1);
          const end = close < 0 ? text.length : close;
          word += text.slice(i + 1, end);
          i = end + 1;
        } else word += text[i++];
      }
      tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

class ScopeError extends Error {}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  #peekWord(): string | undefined {
    const t = this.#tokens[this.#pos];
    return t?.kind === 'word' ? t.text : undefined;
  }

  atEnd(): boolean {
    return this.#pos >= this.#tokens.length;
  }

  or(depth: number): ScopeExpr {
    const items = [this.and(depth)];
    while (this.#peekWord() === 'OR') {
      this.#pos++;
      items.push(this.and(depth));
    }
    return items.length === 1 ? (items[0] as ScopeExpr) : { kind: 'or', items };
  }

  and(depth: number): ScopeExpr {
    const items = [this.unary(depth)];
    for (;;) {
      const t = this.#tokens[this.#pos];
      if (!t || t.kind === ')' || (t.kind === 'word' && t.text === 'OR')) break;
      if (t.kind === 'word' && t.text === 'AND') this.#pos++;
      items.push(this.unary(depth));
    }
    return items.length === 1 ? (items[0] as ScopeExpr) : { kind: 'and', items };
  }

  unary(depth: number): ScopeExpr {
    const word = this.#peekWord();
    if (word === 'NOT') {
      this.#pos++;
      return { kind: 'not', item: this.unary(depth) };
    }
    if (word?.startsWith('-') && word.length > 1) {
      (this.#tokens[this.#pos] as { text: string }).text = word.slice(1);
      return { kind: 'not', item: this.primary(depth) };
    }
    return this.primary(depth);
  }

  primary(depth: number): ScopeExpr {
    const t = this.#tokens[this.#pos++];
    if (!t) throw new ScopeError('The scope ends where a tag was expected');
    if (t.kind === '(') {
      if (depth >= 2) throw new ScopeError('A scope may nest parentheses at most 2 levels deep');
      const inner = this.or(depth + 1);
      if (this.#tokens[this.#pos++]?.kind !== ')') throw new ScopeError("Missing ')' in scope");
      return inner;
    }
    if (t.kind !== 'word') throw new ScopeError("Unexpected ')' in scope");
    const text = t.text;
    if (text === '*') return { kind: 'all' };
    if (['AND', 'OR', 'NOT'].includes(text)) throw new ScopeError(`Unexpected ${text} in scope`);
    const colon = text.indexOf(':');
    if (colon <= 0) throw new ScopeError('All values must have a key');
    const key = text.slice(0, colon);
    const value = text.slice(colon + 1);
    if (value === '' && this.#tokens[this.#pos]?.kind === '(') {
      this.#pos++;
      const values: string[] = [];
      for (;;) {
        const v = this.#tokens[this.#pos++];
        if (v?.kind !== 'word') throw new ScopeError(`Expected a value in ${key}:( ... )`);
        values.push(checkValue(v.text));
        const next = this.#tokens[this.#pos++];
        if (next?.kind === ')') break;
        if (next?.kind !== 'word' || next.text !== 'OR')
          throw new ScopeError(`Expected OR or ')' in ${key}:( ... )`);
      }
      return { kind: 'term', key, values };
    }
    if (value === '') throw new ScopeError(`The tag key '${key}' has no value`);
    return { kind: 'term', key, values: [checkValue(value)] };
  }
}

function checkValue(value: string): string {
  if (value.includes('?')) throw new ScopeError("The '?' wildcard is not supported in a scope; use '*'");
  return value;
}

/** Parses a downtime scope, with Datadog's wording for the errors it documents. */
export function parseScope(text: string): ScopeParse {
  if (text.trim() === '') return { ok: false, error: 'The scope must not be empty' };
  try {
    const parser = new Parser(tokenize(text));
    const value = parser.or(0);
    if (!parser.atEnd()) throw new ScopeError("Unexpected ')' in scope");
    if (value.kind === 'or')
      throw new ScopeError(
        'OR is not allowed at the top level of a downtime scope; create one downtime per alternative',
      );
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ScopeError) return { ok: false, error: error.message };
    throw error;
  }
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
}

function matches(expr: ScopeExpr, tags: readonly string[]): boolean {
  switch (expr.kind) {
    case 'all':
      return true;
    case 'not':
      return !matches(expr.item, tags);
    case 'and':
      return expr.items.every((e) => matches(e, tags));
    case 'or':
      return expr.items.some((e) => matches(e, tags));
    case 'term': {
      const patterns = expr.values.map(glob);
      return tags.some((tag) => {
        const colon = tag.indexOf(':');
        if (colon < 0 || tag.slice(0, colon).toLowerCase() !== expr.key.toLowerCase()) return false;
        const value = tag.slice(colon + 1);
        return patterns.some((p) => p.test(value));
      });
    }
  }
}

const parsed = new Map<string, ScopeExpr | null>();

/** Whether a group with these tags ('host:a', 'env:prod') falls in the scope; false for an invalid scope. */
export function scopeMatches(scope: string, tags: readonly string[]): boolean {
  let expr = parsed.get(scope);
  if (expr === undefined) {
    const result = parseScope(scope);
    expr = result.ok ? result.value : null;
    if (parsed.size > 1000) parsed.clear();
    parsed.set(scope, expr);
  }
  return expr !== null && matches(expr, tags);
}

/** Tags of a group name: 'host:a,env:prod' -> ['host:a', 'env:prod']; '*' -> []. */
export function groupTags(group: string): string[] {
  return group === '*' || group === '' ? [] : group.split(',');
}

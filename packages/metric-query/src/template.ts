/**
 * Dashboard template variables: `avg:my_metric{host:$host}`, `{$host}` or `{host:$host.value}`.
 * The caller substitutes them before evaluation. A value `h1` for a whole-tag `$host` stands for
 * `host:h1` (the variable's name is its tag key; `env:prod` is used as written); as a tag value
 * it is the value. `*` matches everything.
 */
import type { Expr, Scope } from './ast.ts';

export type TemplateVariables = Readonly<Record<string, string>>;

/** `$name`, `$name.value`, or `key:$name` (the variable as a tag value). */
const VARIABLE = /([A-Za-z0-9_.\-/]+:)?\$([A-Za-z_][\w-]*?)(\.value)?(?=$|[\s,{}()!'"])/g;

function asTag(name: string, value: string): string {
  return value === '*' || value.includes(':') ? value : `${name}:${value}`;
}

/** The value part of a substitution used as a tag value: `host:h1` -> `h1`. */
function asValue(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(colon + 1);
}

/**
 * Replaces template variables in query text or in a parsed query: `{$host}` becomes
 * `{host:h1}`, `{host:$host}` and `{host:$host.value}` become `{host:h1}`; `*` matches everything.
 */
export function substituteTemplateVariables(input: string, vars: TemplateVariables): string;
export function substituteTemplateVariables(input: Expr, vars: TemplateVariables): Expr;
export function substituteTemplateVariables(input: string | Expr, vars: TemplateVariables): string | Expr {
  if (typeof input === 'string') {
    return input.replace(
      VARIABLE,
      (whole, key: string | undefined, name: string, dotValue: string | undefined) => {
        const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
        if (v === undefined) return whole;
        if (key) return v === '*' ? '*' : key + asValue(v);
        return dotValue ? asValue(v) : asTag(name, v);
      },
    );
  }
  return substituteExpr(input, vars);
}

function substituteExpr(e: Expr, vars: TemplateVariables): Expr {
  switch (e.kind) {
    case 'metric':
      return { ...e, scope: substituteScope(e.scope, vars) };
    case 'neg':
      return { ...e, operand: substituteExpr(e.operand, vars) };
    case 'binary':
      return { ...e, left: substituteExpr(e.left, vars), right: substituteExpr(e.right, vars) };
    case 'call':
      return { ...e, args: e.args.map((a) => substituteExpr(a, vars)) };
    default:
      return e;
  }
}

function tagScope(text: string, negated: boolean): Scope {
  if (text === '*') return { kind: 'all' };
  const colon = text.indexOf(':');
  return colon < 0
    ? { kind: 'tag', key: null, value: text, negated }
    : { kind: 'tag', key: text.slice(0, colon), value: text.slice(colon + 1), negated };
}

function substituteScope(s: Scope, vars: TemplateVariables): Scope {
  switch (s.kind) {
    case 'var': {
      const v = Object.hasOwn(vars, s.name) ? vars[s.name] : undefined;
      return v === undefined ? s : tagScope(asTag(s.name, v), false);
    }
    case 'tag': {
      const m = /^\$([A-Za-z_][\w-]*?)(\.value)?$/.exec(s.value);
      const v = m && Object.hasOwn(vars, m[1]!) ? vars[m[1]!] : undefined;
      if (v === undefined) return s;
      if (v === '*') return s.negated ? { ...s, value: '*' } : { kind: 'all' };
      return { ...s, value: asValue(v) };
    }
    case 'not':
      return { ...s, operand: substituteScope(s.operand, vars) };
    case 'and':
    case 'or':
      return { ...s, operands: s.operands.map((o) => substituteScope(o, vars)) };
    case 'all':
    case 'in':
      return s;
  }
}

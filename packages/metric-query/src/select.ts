/** Scope matching (`{env:prod AND NOT host:web-*}`) and `by {…}` grouping over series tags. */
import type { Scope } from './ast.ts';

export type TagPredicate = (tags: readonly string[]) => boolean;

/** Compiles a scope into a predicate over a series' tags. Variables must be substituted first. */
export function compileScope(scope: Scope): TagPredicate {
  switch (scope.kind) {
    case 'all':
      return () => true;
    case 'var':
      // evaluate() refuses unsubstituted variables before it gets here.
      return () => false;
    case 'tag': {
      const match = tagMatcher(scope.key, scope.value);
      return scope.negated ? (tags) => !tags.some(match) : (tags) => tags.some(match);
    }
    case 'in': {
      const matchers = scope.values.map((v) => tagMatcher(scope.key, v));
      const has = (tags: readonly string[]) => tags.some((t) => matchers.some((m) => m(t)));
      return scope.negated ? (tags) => !has(tags) : has;
    }
    case 'not': {
      const inner = compileScope(scope.operand);
      return (tags) => !inner(tags);
    }
    case 'and': {
      const parts = scope.operands.map(compileScope);
      return (tags) => parts.every((f) => f(tags));
    }
    case 'or': {
      const parts = scope.operands.map(compileScope);
      return (tags) => parts.some((f) => f(tags));
    }
  }
}

function tagMatcher(key: string | null, value: string): (tag: string) => boolean {
  const full = key === null ? value : `${key}:${value}`;
  if (!full.includes('*')) return (tag) => tag === full;
  const pattern = new RegExp(`^${full.split('*').map(escapeRegExp).join('.*')}$`);
  return (tag) => pattern.test(tag);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The group tags of a series for `by {keys}`: `['host:a', 'env:N/A']` (N/A as Datadog shows a missing tag). */
export function groupTags(tags: readonly string[], keys: readonly string[]): string[] {
  return keys.map((key) => {
    const prefix = `${key}:`;
    const tag = tags.find((t) => t.startsWith(prefix));
    return tag ?? `${key}:N/A`;
  });
}

/** Names of template variables still in a scope (`$host`, or a value `$host.value`). */
export function unresolvedVariables(scope: Scope, out: string[] = []): string[] {
  switch (scope.kind) {
    case 'var':
      out.push(scope.name);
      break;
    case 'tag':
      if (scope.value.startsWith('$')) out.push(scope.value.slice(1).replace(/\.value$/, ''));
      break;
    case 'not':
      unresolvedVariables(scope.operand, out);
      break;
    case 'and':
    case 'or':
      for (const o of scope.operands) unresolvedVariables(o, out);
      break;
    case 'all':
    case 'in':
      break;
  }
  return out;
}

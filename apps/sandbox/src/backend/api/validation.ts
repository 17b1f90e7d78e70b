import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

/**
 * Request bodies are checked against the official client's own models (the same metadata its
 * ObjectSerializer reads: attribute type maps with `required`, enum value lists, oneOf
 * alternatives), walked the way ObjectSerializer.deserialize walks them, so the sandbox accepts
 * what the client can produce and names the field when it refuses (deserialize itself does not
 * name it, and turns a bad enum into an UnparsedObject rather than an error). The enum and
 * oneOf tables are module-private in the client; we read them from its ObjectSerializer.js
 * once, as plain data.
 */
export type ApiVersion = 'v1' | 'v2';

interface AttributeInfo {
  baseName: string;
  type: string;
  format?: string;
  required?: boolean;
}
interface ModelClass {
  getAttributeTypeMap(): Record<string, AttributeInfo>;
}
interface Tables {
  model(name: string): ModelClass | undefined;
  enums: Record<string, unknown[]>;
  oneOfs: Record<string, string[]>;
}

const require = createRequire(import.meta.url);

function literal(source: string, name: string): unknown {
  const start = source.indexOf(`const ${name} = {`);
  const end = source.indexOf('\n};', start);
  if (start < 0 || end < 0) throw new Error(`${name} not found in the client's ObjectSerializer`);
  return runInNewContext(`(${source.slice(start + `const ${name} = `.length, end + 2)})`);
}

/**
 * The tables of one API version. Model classes are required one file at a time, when a body
 * needs them: the client's ObjectSerializer requires all of them (6,000 modules for v2), which
 * costs seconds, tens of seconds on a loaded machine, on the first request.
 */
function loadTables(version: ApiVersion): Tables {
  const modelsDir = `@datadog/datadog-api-client/dist/packages/datadog-api-client-${version}/models`;
  const source = readFileSync(require.resolve(`${modelsDir}/ObjectSerializer.js`), 'utf8');
  const models = new Map<string, ModelClass | undefined>();
  return {
    model(name) {
      if (!models.has(name)) {
        let found: ModelClass | undefined;
        if (/^[A-Za-z0-9]+$/.test(name)) {
          try {
            found = (require(`${modelsDir}/${name}.js`) as Record<string, ModelClass>)[name];
          } catch {
            found = undefined;
          }
        }
        models.set(name, found);
      }
      return models.get(name);
    },
    enums: literal(source, 'enumsMap') as Record<string, unknown[]>,
    oneOfs: literal(source, 'oneOfMap') as Record<string, string[]>,
  };
}

const tables: Partial<Record<ApiVersion, Tables>> = {};
function tablesOf(version: ApiVersion): Tables {
  tables[version] ??= loadTables(version);
  return tables[version];
}

const ARRAY = 'Array<';
const MAP = '{ [key: string]: ';

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function at(path: string): string {
  return path === '' ? 'the request body' : `'${path}'`;
}

/** Returns the problems of `value` as a `type`, each naming the field (empty when valid). */
function check(t: Tables, value: unknown, type: string, format: string | undefined, path: string): string[] {
  if (value === undefined || value === null || type === 'any') return [];
  switch (type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at(path)} must be a string, not ${kindOf(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at(path)} must be a boolean, not ${kindOf(value)}`];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return [`${at(path)} must be a number, not ${kindOf(value)}`];
      if ((format === 'int64' || format === 'int32') && !Number.isInteger(value))
        return [`${at(path)} must be an integer`];
      return [];
    case 'Date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? []
        : [`${at(path)} must be a date-time string (RFC 3339)`];
    case 'object':
      return typeof value === 'object' ? [] : [`${at(path)} must be an object`];
  }
  if (type.startsWith(ARRAY)) {
    if (!Array.isArray(value)) return [`${at(path)} must be an array, not ${kindOf(value)}`];
    const inner = type.slice(ARRAY.length, -1);
    return value.flatMap((item, i) => check(t, item, inner, format, `${path}[${i}]`));
  }
  if (type.startsWith('[')) return Array.isArray(value) ? [] : [`${at(path)} must be an array`];
  if (type.startsWith(MAP)) {
    if (kindOf(value) !== 'object') return [`${at(path)} must be an object, not ${kindOf(value)}`];
    const inner = type.slice(MAP.length, -3);
    return Object.entries(value as object).flatMap(([k, v]) => check(t, v, inner, format, `${path}.${k}`));
  }
  const values = t.enums[type];
  if (values) {
    return values.includes(value)
      ? []
      : [
          `${at(path)} must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(value)}`,
        ];
  }
  const alternatives = t.oneOfs[type];
  if (alternatives) return checkOneOf(t, value, alternatives, path);
  const model = t.model(type);
  if (!model || typeof model.getAttributeTypeMap !== 'function') return [];
  return checkModel(t, value, model, path);
}

function checkOneOf(t: Tables, value: unknown, alternatives: string[], path: string): string[] {
  // The client accepts a oneOf when an alternative reads it cleanly. When none does, explain
  // with the alternative that got furthest: its discriminating `type` matched, its first
  // problem lies deepest, it has the fewest problems.
  let best: { problems: string[]; score: [number, number, number] } | undefined;
  for (const alternative of alternatives) {
    const problems = check(t, value, alternative, undefined, path);
    if (problems.length === 0) return [];
    const typeMiss = problems.some((p) => p.startsWith(`'${path ? `${path}.` : ''}type'`)) ? 0 : 1;
    const depth = Math.min(...problems.map((p) => p.split(/[.[]/).length));
    const score: [number, number, number] = [typeMiss, depth, -problems.length];
    if (!best || compare(score, best.score) > 0) best = { problems, score };
  }
  if (best && typeof value === 'object') return best.problems;
  return [`${at(path)} matches none of ${alternatives.join(', ')}`];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function checkModel(t: Tables, value: unknown, model: ModelClass, path: string): string[] {
  if (kindOf(value) !== 'object') return [`${at(path)} must be an object, not ${kindOf(value)}`];
  const record = value as Record<string, unknown>;
  const map = model.getAttributeTypeMap();
  const problems: string[] = [];
  const known = new Set<string>();
  for (const [name, info] of Object.entries(map)) {
    if (name === 'additionalProperties') continue;
    known.add(info.baseName);
    const field = path ? `${path}.${info.baseName}` : info.baseName;
    const item = record[info.baseName];
    if (info.required && (item === undefined || item === null)) {
      problems.push(`'${field}' is required`);
      continue;
    }
    problems.push(...check(t, item, info.type, info.format, field));
  }
  if (!('additionalProperties' in map)) {
    for (const key of Object.keys(record)) {
      if (!known.has(key)) problems.push(`'${path ? `${path}.${key}` : key}' is not a known field`);
    }
  }
  return problems;
}

/**
 * Checks a request body against a model of the official client (e.g. 'Dashboard' in v1,
 * 'DowntimeCreateRequest' in v2). Returns the problems, each naming the field; empty when valid.
 */
export function validateBody(body: unknown, type: string, version: ApiVersion): string[] {
  const t = tablesOf(version);
  if (body === undefined || body === null) return ['The request body is required (JSON)'];
  return check(t, body, type, undefined, '');
}

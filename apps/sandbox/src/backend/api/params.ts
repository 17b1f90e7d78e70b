import { badRequest } from './errors.ts';

/** A route's query string as Fastify parses it: repeated keys become arrays. */
export type Query = Record<string, string | string[] | undefined>;

/** A query-string value as one string (the first when repeated). */
export function queryString(value: unknown): string | undefined {
  if (Array.isArray(value)) return queryString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** A query-string integer, with the parameter named when it is not one. */
export function queryInt(value: unknown, name: string): number | undefined {
  const text = queryString(value);
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text))
    throw badRequest(`Invalid value for parameter '${name}': expected an integer, got '${text}'`);
  return Number(text);
}

/** The required `start` and `end` query parameters (UNIX seconds) of the v1 time-range endpoints. */
export function queryTimeRange(q: { readonly start?: unknown; readonly end?: unknown }): {
  start: number;
  end: number;
} {
  const start = queryInt(q.start, 'start');
  const end = queryInt(q.end, 'end');
  if (start === undefined || end === undefined)
    throw badRequest("The parameters 'start' and 'end' are required");
  return { start, end };
}

/** A query-string boolean ('true'/'false'). */
export function queryBool(value: unknown, name: string): boolean | undefined {
  const text = queryString(value);
  if (text === undefined || text === '') return undefined;
  if (text !== 'true' && text !== 'false')
    throw badRequest(`Invalid value for parameter '${name}': expected true or false`);
  return text === 'true';
}

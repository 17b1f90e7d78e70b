import { type MonitorQuery, parseMonitorQuery } from '@dd-challenge/metric-query';

/**
 * How the API checks a monitor's query on create, update and validate. Metric monitors go
 * through metric-query's parseMonitorQuery (as the engine's compileMonitor does); the other
 * monitor types (whose queries the sandbox does not evaluate) get their final comparison
 * checked, which is what Datadog's "invalid operator specified" is about.
 */
const COMPARISON = /(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export interface CheckedQuery {
  /** The threshold at the end of the query, when there is one. */
  threshold?: number;
  comparator?: string;
  /** Whether the query groups (`by {host}`, `.by("source")`): a multi alert. */
  multi: boolean;
  /** metric-query's parse of a metric monitor (undefined when it is not available). */
  parsed?: MonitorQuery;
}

const invalid = (detail: string) => `The value provided for parameter 'query' is invalid: ${detail}`;

/** Checks a monitor's query for its type; returns the facts or Datadog's 400 wording. */
export function checkMonitorQuery(
  type: string,
  query: string,
): { ok: true; value: CheckedQuery } | { ok: false; error: string } {
  if (type === 'composite') {
    if (!/\d/.test(query))
      return { ok: false, error: invalid('a composite query combines monitor ids, e.g. 123 && 456') };
    return { ok: true, value: { multi: false } };
  }
  if (
    type === 'service check' ||
    type === 'event alert' ||
    type === 'event-v2 alert' ||
    type === 'synthetics alert'
  ) {
    return { ok: true, value: { multi: /\.by\(/.test(query) } };
  }
  const comparison = COMPARISON.exec(query);
  if (!comparison) return { ok: false, error: invalid('invalid operator specified: ') };
  const value: CheckedQuery = {
    comparator: comparison[1],
    threshold: Number(comparison[2]),
    multi: /\bby\s*\{/.test(query) || /\.by\(/.test(query),
  };
  if ((type === 'query alert' || type === 'metric alert') && !/\(current_/.test(query)) {
    // current_1d/1w/1mo calendar windows are Datadog's, not metric-query's: checked by shape only.
    const parsed = parseMonitorQuery(query);
    if (!parsed.ok) return { ok: false, error: invalid(parsed.error.message) };
    value.parsed = parsed.value;
  }
  return { ok: true, value };
}

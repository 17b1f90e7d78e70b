/**
 * What each supported function accepts. The parser checks calls against this table so that an
 * unknown function or a wrong argument is a parse error with a precise message.
 */

export interface Param {
  readonly name: string;
  readonly type: 'query' | 'number' | 'string';
  /** Allowed values of a string parameter. */
  readonly oneOf?: readonly string[];
  readonly optional?: boolean;
}

export interface Signature {
  readonly params: readonly Param[];
  /** Keyword arguments (`direction='above'`) the function accepts. */
  readonly kwargs?: readonly string[];
}

const Q: Param = { name: 'query', type: 'query' };
const unary: Signature = { params: [Q] };

export const TOP_REDUCERS = ['mean', 'min', 'max', 'last', 'area', 'l2norm', 'norm'] as const;
export const MOVING_METHODS = ['avg', 'sum', 'min', 'max', 'median'] as const;
export const ANOMALY_ALGORITHMS = ['basic', 'agile', 'robust'] as const;

export const SIGNATURES: Readonly<Record<string, Signature>> = {
  abs: unary,
  log2: unary,
  log10: unary,
  cumsum: unary,
  integral: unary,
  diff: unary,
  derivative: unary,
  per_second: unary,
  per_minute: unary,
  per_hour: unary,
  hour_before: unary,
  day_before: unary,
  week_before: unary,
  ewma_3: unary,
  ewma_5: unary,
  ewma_10: unary,
  ewma_20: unary,
  median_3: unary,
  median_5: unary,
  median_7: unary,
  median_9: unary,
  default_zero: unary,
  count_nonzero: unary,
  count_not_null: unary,
  clamp_min: { params: [Q, { name: 'limit', type: 'number' }] },
  clamp_max: { params: [Q, { name: 'limit', type: 'number' }] },
  cutoff_min: { params: [Q, { name: 'threshold', type: 'number' }] },
  cutoff_max: { params: [Q, { name: 'threshold', type: 'number' }] },
  timeshift: { params: [Q, { name: 'seconds', type: 'number' }] },
  top: {
    params: [
      Q,
      { name: 'limit', type: 'number' },
      { name: 'by', type: 'string', oneOf: TOP_REDUCERS, optional: true },
      { name: 'dir', type: 'string', oneOf: ['asc', 'desc'], optional: true },
    ],
  },
  moving_rollup: {
    params: [
      Q,
      { name: 'seconds', type: 'number' },
      { name: 'method', type: 'string', oneOf: MOVING_METHODS, optional: true },
    ],
  },
  anomalies: {
    params: [
      Q,
      { name: 'algorithm', type: 'string', oneOf: ANOMALY_ALGORITHMS },
      { name: 'bounds', type: 'number' },
    ],
    kwargs: ['direction', 'alert_window', 'interval', 'count_default_zero', 'seasonality', 'timezone'],
  },
};

/** `abs(query)`, `top(query, limit[, by[, dir]])`: the usage line of an error message. */
export function usage(name: string, sig: Signature): string {
  let s = '';
  let closers = '';
  sig.params.forEach((p, i) => {
    if (p.optional) {
      s += '[';
      closers += ']';
    }
    s += (i > 0 ? ', ' : '') + p.name;
  });
  return `${name}(${s}${closers})`;
}

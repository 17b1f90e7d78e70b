/**
 * `anomalies(q, 'basic', bounds)`. Datadog publishes only that basic uses "a simple lagging
 * rolling quantile computation". This project's approximation, per bucket i:
 *   - the window is the previous ANOMALY_WINDOW real points (i itself excluded: lagging);
 *   - centre = median of the window; spread = (Q75 - Q25) / 1.349, the interquartile range
 *     scaled to a normal standard deviation, so `bounds` reads as "standard deviations";
 *     quantiles are linear between closest ranks (at p * (n - 1));
 *   - upper = centre + bounds * spread, lower = centre - bounds * spread;
 *   - with fewer than MIN_HISTORY points in the window there is no band (NaN).
 *
 * How: the real points are taken densely (gaps dropped, bands mapped back to buckets at the end)
 * and the window is kept sorted in a Float64Array padded with +Infinity to a power of two. Each
 * step reads the quantiles by index, then replaces the oldest point by the new one with one shift
 * of the entries between their two ranks. Both ranks are found by branch-free binary searches
 * (6 steps for the 60-point window) made one step early, on the window before the previous
 * step's shift, and corrected by that step's removed and added point: a step's searches do not
 * wait for the shift before it, and no search branch can be mispredicted.
 */

export const ANOMALY_WINDOW = 60;
export const MIN_HISTORY = 5;
const IQR_TO_SIGMA = 1.349;

export interface Bands {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

/** 1 or 0: a comparison as a number, so searches add instead of branching. */
const bit = (b: boolean): number => +b;

/** How many of s[1..63] are below v (s ascending; the branch-free search of a 64-slot window). */
function below64(s: Float64Array, v: number): number {
  let a = 32 & -bit(s[32]! < v);
  a += 16 & -bit(s[a + 16]! < v);
  a += 8 & -bit(s[a + 8]! < v);
  a += 4 & -bit(s[a + 4]! < v);
  a += 2 & -bit(s[a + 2]! < v);
  return a + bit(s[a + 1]! < v);
}

/** How many of s[1..63] are at most v. */
function atMost64(s: Float64Array, v: number): number {
  let a = 32 & -bit(s[32]! <= v);
  a += 16 & -bit(s[a + 16]! <= v);
  a += 8 & -bit(s[a + 8]! <= v);
  a += 4 & -bit(s[a + 4]! <= v);
  a += 2 & -bit(s[a + 2]! <= v);
  return a + bit(s[a + 1]! <= v);
}

/** How many of s[1..size-1] are below v; size a power of two over 64 (windows over 63 points). */
function belowN(s: Float64Array, size: number, v: number): number {
  let a = 0;
  for (let h = size >>> 1; h > 0; h >>>= 1) a += h & -bit(s[a + h]! < v);
  return a;
}

/** How many of s[1..size-1] are at most v. */
function atMostN(s: Float64Array, size: number, v: number): number {
  let a = 0;
  for (let h = size >>> 1; h > 0; h >>>= 1) a += h & -bit(s[a + h]! <= v);
  return a;
}

/** Value at quantile p of the n entries s[1..n], linear between closest ranks. */
function quantile(s: Float64Array, n: number, p: number): number {
  const pos = p * (n - 1);
  const at = Math.floor(pos);
  const a = s[at + 1]!;
  return at + 1 < n ? a + (s[at + 2]! - a) * (pos - at) : a;
}

/** The expected band of every bucket, from the real points before it. */
export function anomalyBands(values: Float64Array, bounds: number, window = ANOMALY_WINDOW): Bands {
  const len = values.length;
  const upper = new Float64Array(len);
  const lower = new Float64Array(len);
  let reals = 0;
  for (let i = 0; i < len; i++) if (!Number.isNaN(values[i]!)) reals++;
  if (reals === len) {
    denseBands(values, bounds, window, upper, lower, len);
    return { upper, lower };
  }
  // Gaps: bands over the real points alone, then bucket i takes the band after its predecessors.
  const x = new Float64Array(reals);
  for (let i = 0, k = 0; i < len; i++) if (!Number.isNaN(values[i]!)) x[k++] = values[i]!;
  const up = new Float64Array(reals + 1);
  const lo = new Float64Array(reals + 1);
  denseBands(x, bounds, window, up, lo, reals + 1);
  for (let i = 0, k = 0; i < len; i++) {
    upper[i] = up[k]!;
    lower[i] = lo[k]!;
    if (!Number.isNaN(values[i]!)) k++;
  }
  return { upper, lower };
}

/**
 * up[d], lo[d] for d < count (count <= x.length + 1): the band of the window x[d - W, d) with
 * W = window, fewer points while d < W.
 */
function denseBands(
  x: Float64Array,
  bounds: number,
  window: number,
  up: Float64Array,
  lo: Float64Array,
  count: number,
): void {
  const m = x.length;
  let size = 64;
  while (size < window + 1) size *= 2;
  // Entries at s[1..n]; s[0] = -Infinity stops the insertion shifts, +Infinity pads the rest.
  const s = new Float64Array(size + 1).fill(Number.POSITIVE_INFINITY);
  s[0] = Number.NEGATIVE_INFINITY;
  // Filling: the first `window` points, each inserted by shifting the larger entries up.
  let d = 0;
  for (; d < count && d < window; d++) {
    const n = d;
    if (n >= MIN_HISTORY) {
      const median = quantile(s, n, 0.5);
      const spread = ((quantile(s, n, 0.75) - quantile(s, n, 0.25)) * bounds) / IQR_TO_SIGMA;
      up[d] = median + spread;
      lo[d] = median - spread;
    } else {
      up[d] = Number.NaN;
      lo[d] = Number.NaN;
    }
    if (d < m) {
      const v = x[d]!;
      let j = n + 1;
      while (s[j - 1]! > v) {
        s[j] = s[j - 1]!;
        j--;
      }
      s[j] = v;
    }
  }
  if (d >= count) return;
  if (window < MIN_HISTORY) {
    up.fill(Number.NaN, d, count);
    lo.fill(Number.NaN, d, count);
    return;
  }
  slide(x, s, size, window, d, count, bounds, up, lo);
}

/**
 * The full-window steps from..count-1 of denseBands. A small function of its own: V8 soon gives
 * it regular optimized code, where it otherwise recompiled an on-stack-replacement copy of the
 * whole band function after every full GC (seen in the bench, which collects between runs).
 */
function slide(
  x: Float64Array,
  s: Float64Array,
  size: number,
  W: number,
  from: number,
  count: number,
  bounds: number,
  up: Float64Array,
  lo: Float64Array,
): void {
  const m = x.length;
  let d = from;
  // Fixed ranks (at + 1 < W always holds for W >= 2).
  const p1 = 0.25 * (W - 1);
  const a1 = Math.floor(p1) + 1;
  const f1 = p1 - (a1 - 1);
  const p2 = 0.5 * (W - 1);
  const a2 = Math.floor(p2) + 1;
  const f2 = p2 - (a2 - 1);
  const p3 = 0.75 * (W - 1);
  const a3 = Math.floor(p3) + 1;
  const f3 = p3 - (a3 - 1);
  // Ranks of the next step's leaving point (how many entries are below it) and arriving point
  // (how many are at most it), searched one step early.
  let below = 0;
  let atMost = 0;
  if (d < m) {
    below = size === 64 ? below64(s, x[d - W]!) : belowN(s, size, x[d - W]!);
    atMost = size === 64 ? atMost64(s, x[d]!) : atMostN(s, size, x[d]!);
  }
  for (; d < count; d++) {
    const y1 = s[a1]!;
    const y2 = s[a2]!;
    const y3 = s[a3]!;
    const median = y2 + (s[a2 + 1]! - y2) * f2;
    const spread = ((y3 + (s[a3 + 1]! - y3) * f3 - (y1 + (s[a1 + 1]! - y1) * f1)) * bounds) / IQR_TO_SIGMA;
    up[d] = median + spread;
    lo[d] = median - spread;
    if (d >= m) break;
    const old = x[d - W]!;
    const v = x[d]!;
    // The entry to replace (the first equal to `old`) and the first entry above v.
    const j = below + 1;
    const t = Math.min(atMost, W) + 1; // +Infinity also counts the padding
    if (d + 1 < m) {
      // The next step's ranks, on this window, then corrected by this step's change.
      const nextOld = x[d + 1 - W]!;
      const next = x[d + 1]!;
      below =
        (size === 64 ? below64(s, nextOld) : belowN(s, size, nextOld)) -
        bit(old < nextOld) +
        bit(v < nextOld);
      atMost = (size === 64 ? atMost64(s, next) : atMostN(s, size, next)) - bit(old <= next) + bit(v <= next);
    }
    // Two entries a turn: an odd count moves one entry too many, onto the slot v then takes
    // (s[t] and s[0] are readable: the padding and the sentinel).
    if (t > j) {
      for (let q = j; q < t - 1; q += 2) {
        s[q] = s[q + 1]!;
        s[q + 1] = s[q + 2]!;
      }
      s[t - 1] = v;
    } else {
      for (let q = j; q > t; q -= 2) {
        s[q] = s[q - 1]!;
        s[q - 1] = s[q - 2]!;
      }
      s[t] = v;
    }
  }
}

/** Whether a point lies outside its band in the given direction. */
export function isAnomalous(
  v: number,
  upper: number,
  lower: number,
  direction: 'both' | 'above' | 'below',
): boolean {
  if (Number.isNaN(v) || Number.isNaN(upper)) return false;
  if (direction === 'above') return v > upper;
  if (direction === 'below') return v < lower;
  return v > upper || v < lower;
}

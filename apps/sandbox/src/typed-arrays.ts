/** Typed arrays grown by copy (columns, rings and tables that outgrow their size). */
export type Column = Uint8Array | Uint16Array | Int32Array | Float64Array;

/** A copy of `a` with `n` elements; the new ones `fill` (0 unless given). */
export function grown<T extends Column>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

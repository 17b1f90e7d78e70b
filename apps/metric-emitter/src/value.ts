/** A source of uniform numbers in [0, 1), like Math.random; tests inject their own. */
export type RandomSource = () => number;

/** The largest value my_metric takes: the challenge asks for 0..1000, both ends included. */
export const MAX_VALUE = 1000;

/**
 * A uniform random integer in 0..1000 inclusive. 1001 equally likely outcomes, so the
 * multiplier is MAX_VALUE + 1 (the seed's `randint(0, 1001)` could send 1001; `randrange(1000)`
 * never sends 1000). The clamp only guards a source that breaks its [0, 1) promise.
 */
export function randomValue(random: RandomSource = Math.random): number {
  const n = Math.floor(random() * (MAX_VALUE + 1));
  return Math.min(MAX_VALUE, Math.max(0, n));
}

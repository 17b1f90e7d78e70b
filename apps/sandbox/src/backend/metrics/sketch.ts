import { DDSketch } from '@datadog/sketches-js';

/**
 * The Agent's sketch has gamma = 1 + 2/128 (pkg/quantile/config.go); a DDSketch with relative
 * accuracy a has gamma = (1 + a) / (1 - a), so a = 1/129 gives the same buckets' width.
 */
export const SKETCH_ACCURACY = 1 / 129;

/** A new sketch with the Agent's accuracy. */
export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
}

type Store = DDSketch['store'];

/** The non-empty bins of a store as [keys, counts]. */
function binsOf(store: Store): [number[], number[]] {
  const keys: number[] = [];
  const counts: number[] = [];
  if (store.count === 0) return [keys, counts];
  for (let key = store.minKey; key <= store.maxKey; key++) {
    const c = store.bins[key - store.offset];
    if (c) {
      keys.push(key);
      counts.push(c);
    }
  }
  return [keys, counts];
}

/** Positive bins (keys, counts), negative bins, zero count, count, sum, min, max. */
type Encoded = [number[], number[], number[], number[], number, number, number, number, number];

/**
 * A sketch as the sketches table keeps it: the non-empty bins and the summary, as JSON (the
 * library's protobuf form needs protobufjs, and does not carry min, max and sum).
 */
export function encodeSketch(s: DDSketch): string {
  const [keys, counts] = binsOf(s.store);
  const [negKeys, negCounts] = binsOf(s.negativeStore);
  return JSON.stringify([keys, counts, negKeys, negCounts, s.zeroCount, s.count, s.sum, s.min, s.max]);
}

/** Adds an encoded sketch into `into` (several buckets merged for one query bucket). */
export function addEncoded(into: DDSketch, text: string): void {
  const [keys, counts, negKeys, negCounts, zero, count, sum, min, max] = JSON.parse(text) as Encoded;
  for (let i = 0; i < keys.length; i++) into.store.add(keys[i] as number, counts[i]);
  for (let i = 0; i < negKeys.length; i++) into.negativeStore.add(negKeys[i] as number, negCounts[i]);
  into.zeroCount += zero;
  into.count += count;
  into.sum += sum;
  if (min < into.min) into.min = min;
  if (max > into.max) into.max = max;
}

/** The sketch an encoded one stands for. */
export function decodeSketch(text: string): DDSketch {
  const s = newSketch();
  addEncoded(s, text);
  return s;
}

// The map keys the decoder keeps for good: one entry per distinct meta/metrics key (with the last
// meta value seen under it), the key-sequence trie whose paths from the root are the key sets the
// stored spans refer to, and the bounds on both.
import { fail } from './span.ts';

/** The keys of a meta or metrics map, kept once; the positions the trace metrics read. */
export interface KeySet {
  readonly index: number;
  readonly keys: readonly string[];
  /** Position of the last `env`, `http.status_code`, `version` key (meta), or -1. */
  readonly env: number;
  readonly status: number;
  readonly version: number;
  /** Position of the last `_dd.top_level`, `_dd.measured` key (metrics), or -1. */
  readonly topLevel: number;
  readonly measured: number;
}

/** Every key set seen (they repeat from span to span); index 0 is the empty one. */
export const keySets: KeySet[] = [];

/** One distinct map key: its string and UTF-8 bytes, and the last value seen under it. */
export class KeyEntry {
  readonly str: string;
  /** The key's UTF-8 bytes (a DataView: compared four bytes at a time). */
  readonly bytes: DataView;
  // Meta values repeat under most keys (env, version, service, runtime-id...): the last one is
  // compared byte for byte and its string reused. Keys whose values keep changing stop trying.
  valueBytes: DataView | undefined = undefined;
  valueLength = -1;
  value = '';
  hits = 0;
  misses = 0;
  constructor(str: string) {
    this.str = str;
    this.bytes = dataViewOf(Buffer.from(str, 'utf8'));
  }
}

export function dataViewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A node of the key-sequence trie: the key sets are its paths from the root. */
export class KeyNode {
  readonly entry: KeyEntry | undefined;
  readonly parent: KeyNode | undefined;
  readonly children: KeyNode[] = [];
  map: Map<KeyEntry, KeyNode> | undefined = undefined;
  keySet = -1;
  constructor(entry: KeyEntry | undefined, parent: KeyNode | undefined) {
    this.entry = entry;
    this.parent = parent;
  }
}

const MAX_LISTED_CHILDREN = 8;
export const ROOT = new KeyNode(undefined, undefined);
const entries = new Map<string, KeyEntry>();

/**
 * Distinct keys and key-sequence trie nodes are kept for good (stored spans refer to their key
 * sets), so their number is bounded: a payload needing more gets 400. Real tracers use a few
 * hundred; a client making up keys would otherwise grow the sandbox without end.
 */
export const keyLimits = { maxKeys: 100_000, maxNodes: 200_000 };
let nodeCount = 0;

export function entryOf(key: string): KeyEntry {
  let e = entries.get(key);
  if (e === undefined) {
    if (entries.size >= keyLimits.maxKeys)
      fail(`too many distinct meta/metrics keys (the sandbox keeps at most ${keyLimits.maxKeys})`);
    e = new KeyEntry(key);
    entries.set(key, e);
  }
  return e;
}

export function childOf(node: KeyNode, entry: KeyEntry): KeyNode {
  for (const c of node.children) if (c.entry === entry) return c;
  let c = node.map?.get(entry);
  if (c === undefined) {
    if (nodeCount >= keyLimits.maxNodes)
      fail(
        `too many distinct meta/metrics key lists (the sandbox keeps at most ${keyLimits.maxNodes} keys in them)`,
      );
    nodeCount++;
    c = new KeyNode(entry, node);
    if (node.children.length < MAX_LISTED_CHILDREN) node.children.push(c);
    else {
      if (node.map === undefined) node.map = new Map();
      node.map.set(entry, c);
    }
  }
  return c;
}

export function keySetOfNode(node: KeyNode): number {
  if (node.keySet >= 0) return node.keySet;
  const keys: string[] = [];
  for (let n: KeyNode | undefined = node; n?.entry !== undefined; n = n.parent) keys.push(n.entry.str);
  keys.reverse();
  const at = (k: string) => keys.lastIndexOf(k);
  node.keySet = keySets.length;
  keySets.push({
    index: node.keySet,
    keys,
    env: at('env'),
    status: at('http.status_code'),
    version: at('version'),
    topLevel: at('_dd.top_level'),
    measured: at('_dd.measured'),
  });
  return node.keySet;
}
keySetOfNode(ROOT);

/** The key set of these keys, in this order. */
export function keySetOf(keys: readonly string[]): number {
  let node = ROOT;
  for (const k of keys) node = childOf(node, entryOf(k));
  return keySetOfNode(node);
}

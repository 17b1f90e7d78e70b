import { grown } from '../../typed-arrays.ts';
import type { DecodedBatch } from './decode.ts';
import { type KeySet, keySetOf, keySets } from './keys.ts';
import { idHalves, idText, SPAN_NUMS, SPAN_STRS, type Span, spanObject } from './span.ts';

/** A trace as kept for the console and /sandbox/traces: its spans, in arrival order. */
export interface StoredTrace {
  readonly trace_id: string;
  readonly spans: Span[];
  /** When the first chunk arrived (ms, sandbox clock). */
  readonly received: number;
}

export interface TraceQuery {
  readonly service?: string | undefined;
  readonly resource?: string | undefined;
  readonly name?: string | undefined;
  /** Decimal (low 64 bits), 16-hex or 32-hex (128-bit) trace id. */
  readonly traceId?: string | undefined;
  readonly error?: boolean | undefined;
  /** Only traces received at or after this (ms). */
  readonly since?: number | undefined;
  readonly limit?: number | undefined;
}

export interface ResourceSummary {
  readonly service: string;
  readonly name: string;
  readonly resource: string;
  hits: number;
  errors: number;
  totalDurationNs: number;
  lastSeen: number;
}

/** The low 64 bits of a trace id given as decimal or hex, as the decimal the store keys by. */
export function normalizeTraceId(id: string): string | undefined {
  const s = id.trim();
  if (/^\d{1,20}$/.test(s)) return BigInt.asUintN(64, BigInt(s)).toString();
  if (/^(0x)?[0-9a-fA-F]{1,32}$/.test(s)) {
    const hex = s.replace(/^0x/, '');
    return BigInt.asUintN(64, BigInt(`0x${hex}`)).toString();
  }
  return undefined;
}

/** The root span: parent 0, or whose parent is not in the trace. */
export function rootOf(trace: StoredTrace): Span | undefined {
  const ids = new Set(trace.spans.map((s) => s.span_id));
  return trace.spans.find((s) => s.parent_id === '0') ?? trace.spans.find((s) => !ids.has(s.parent_id));
}

// Compact storage: spans live in ring buffers. Per span slot, fixed fields in a Uint32Array (span
// and parent ids as 32-bit halves, error, meta and metrics key-set indices; the key sets are
// shared), a run of doubles in a Float64Array ring (start, duration, metric values) and a run of
// string ids in a Uint16Array ring (name, service, resource, type, meta values; a table of the
// distinct strings, counted, forgets one no kept span uses). No object,
// array or id string per span or per trace: a trace is a slot in typed arrays (id halves, arrival
// time, first/last span, spans linked in arrival order) found through an open-addressing table
// on its id. Spans are materialised only when a route or the console asks. The rings grow up to
// their limit, then the oldest spans make room: the trace that owns the oldest span is dropped.

/** Numbers and strings a span may use on average before the rings run out (meta/metrics). */
const NUMS_PER_SPAN = 10;
/** Per span slot in #fixed: span id high, low, parent id high, low, error, meta and metrics key sets. */
const FIXED = 7;
/** Per span in the number ring: start, duration, then the metric values. */
const TIMES = 2;
const STRS_PER_SPAN = 32;
const FIRST_SPANS = 1024;
const DEAD = -1;

/**
 * Doubling while small, then by an eighth: the rings stay close to what the spans need (the
 * string ring of 100,000 dd-trace spans, ~1.4M slots of 8 bytes, ended at 1.64M by quarters).
 */
function nextSize(n: number, atLeast: number): number {
  return Math.max(n < 1 << 20 ? n * 2 : Math.ceil(n * 1.125), atLeast);
}

/** Elements in a ring of `cap` from `tail` up to `head` (wrapping past the end). */
const runLength = (cap: number, tail: number, head: number) =>
  head >= tail ? head - tail : cap - tail + head;

/** A ring's run [tail, head), wrapping past its end, copied to the start of `into`. */
function unwrapInto(
  old: Float64Array | Uint16Array | Int32Array,
  into: typeof old,
  tail: number,
  head: number,
): void {
  if (head >= tail) into.set(old.subarray(tail, head));
  else {
    into.set(old.subarray(tail));
    into.set(old.subarray(0, head), old.length - tail);
  }
}

/** A ring of variable-length runs: where the next run of `k` goes, or -1 when full. */
function placeIn(cap: number, head: number, tail: number, empty: boolean, k: number): number {
  if (empty) return k <= cap ? 0 : -1;
  if (head >= tail) {
    // Unwrapped: [tail, head) in use. After the end, else from 0 (head stays short of tail).
    if (cap - head >= k) return head;
    return tail > k ? 0 : -1;
  }
  // Wrapped: [tail, end) and [0, head) in use.
  return tail - head > k ? head : -1;
}

const RECENT_RESOURCES = 8;

/**
 * ctx.traces: the most recent traces, bounded by a total number of spans (oldest traces go
 * first), looked up by trace id, service, resource, operation name or error.
 */
export class TraceStore {
  readonly maxSpans: number;
  readonly #maxNums: number;
  readonly #maxStrs: number;

  // The span ring: slots [#tail, #head) modulo its length, #used of them (live or dead).
  #spanNum: Int32Array;
  #fixed: Uint32Array;
  #spanStr: Int32Array;
  /** The trace slot owning the span, DEAD once its trace was dropped. */
  #spanTrace: Int32Array;
  /** The next span of the same trace, or -1. */
  #spanNext: Int32Array;
  #head = 0;
  #tail = 0;
  #used = 0;
  #spans = 0;

  // The value rings: runs between the oldest span's and the next span's offsets.
  #nums = new Float64Array(FIRST_SPANS * NUMS_PER_SPAN);
  /**
   * String ids, not references: 2 bytes a slot while fewer than 65,536 distinct strings are kept
   * (4 once one is not), against 8 for a reference (node has no pointer compression): 100,000
   * dd-trace spans keep 1.5M slots but only ~37,000 distinct strings. Id 0 is ''.
   */
  #strs: Uint16Array | Int32Array = new Uint16Array(FIRST_SPANS * STRS_PER_SPAN);
  /** id -> string ('' for a free id), its count of slots in the ring, string -> id. */
  #strOf: string[] = [''];
  #refs = new Int32Array(1024);
  readonly #idOfStr = new Map<string, number>();
  readonly #freeIds: number[] = [];
  /**
   * Per meta key set, the string last written at each position of a run and its id: most values
   * repeat span after span of the same kind, and the decoder hands the same string each time.
   */
  readonly #lastStr: string[][] = [];
  readonly #lastId: number[][] = [];
  #numHead = 0;
  #strHead = 0;

  // Traces: slots in typed arrays, reused through #free.
  #traceHi = new Float64Array(FIRST_SPANS);
  #traceLo = new Float64Array(FIRST_SPANS);
  #received = new Float64Array(FIRST_SPANS);
  #first = new Int32Array(FIRST_SPANS);
  #last = new Int32Array(FIRST_SPANS);
  #count = new Int32Array(FIRST_SPANS);
  #free: number[] = [];
  #traceSlots = 0;
  #traces = 0;
  // Open addressing (linear probing) from a trace id to its slot; -1 empty.
  #table = new Int32Array(FIRST_SPANS * 2).fill(-1);

  readonly #resources = new Map<string, ResourceSummary>();
  /** The last summaries counted, tried before building a key. */
  readonly #recent: ResourceSummary[] = [];
  #recentNext = 0;

  constructor(maxSpans = 100_000) {
    this.maxSpans = maxSpans;
    this.#maxNums = maxSpans * NUMS_PER_SPAN;
    this.#maxStrs = maxSpans * STRS_PER_SPAN;
    const first = Math.max(1, Math.min(FIRST_SPANS, maxSpans));
    this.#spanNum = new Int32Array(first);
    this.#fixed = new Uint32Array(first * FIXED);
    this.#spanStr = new Int32Array(first);
    this.#spanTrace = new Int32Array(first);
    this.#spanNext = new Int32Array(first);
  }

  get traceCount(): number {
    return this.#traces;
  }

  get spanCount(): number {
    return this.#spans;
  }

  /** Slots of the span ring and of the number and string rings (what the store holds). */
  get ringSizes(): { spans: number; numbers: number; strings: number } {
    return { spans: this.#spanNum.length, numbers: this.#nums.length, strings: this.#strs.length };
  }

  /** Distinct strings the kept spans use, and bytes a string slot takes (2, or 4 past 65,535). */
  get stringTable(): { distinct: number; slotBytes: number } {
    return { distinct: this.#idOfStr.size, slotBytes: this.#strs.BYTES_PER_ELEMENT };
  }

  // --- trace id table

  #hash(hi: number, lo: number): number {
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    return (h ^ (h >>> 16)) & (this.#table.length - 1);
  }

  #lookup(hi: number, lo: number): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let i = this.#hash(hi, lo); ; i = (i + 1) & mask) {
      const t = table[i] as number;
      if (t < 0) return -1;
      if (this.#traceLo[t] === lo && this.#traceHi[t] === hi) return t;
    }
  }

  #insert(t: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = this.#hash(this.#traceHi[t] as number, this.#traceLo[t] as number);
    while ((table[i] as number) >= 0) i = (i + 1) & mask;
    table[i] = t;
  }

  #remove(t: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = this.#hash(this.#traceHi[t] as number, this.#traceLo[t] as number);
    while (table[i] !== t) i = (i + 1) & mask;
    // Backward-shift deletion: move up the entries the hole would cut off from their home.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const u = table[j] as number;
      if (u < 0) break;
      const home = this.#hash(this.#traceHi[u] as number, this.#traceLo[u] as number);
      if ((j - home + table.length) % table.length >= (j - i + table.length) % table.length) {
        table[i] = u;
        i = j;
      }
    }
    table[i] = -1;
  }

  /** The slot of this trace, a new one if it is not kept. */
  #traceOf(hi: number, lo: number, now: number): number {
    let t = this.#lookup(hi, lo);
    if (t >= 0) return t;
    t = this.#free.pop() ?? this.#traceSlots++;
    if (t >= this.#traceHi.length) {
      const n = this.#traceHi.length * 2;
      this.#traceHi = grown(this.#traceHi, n);
      this.#traceLo = grown(this.#traceLo, n);
      this.#received = grown(this.#received, n);
      this.#first = grown(this.#first, n);
      this.#last = grown(this.#last, n);
      this.#count = grown(this.#count, n);
    }
    this.#traceHi[t] = hi;
    this.#traceLo[t] = lo;
    this.#received[t] = now;
    this.#first[t] = -1;
    this.#last[t] = -1;
    this.#count[t] = 0;
    this.#traces++;
    if (this.#traces * 2 > this.#table.length) {
      // Rehash the live traces (those with spans; t gets its first one next).
      this.#table = new Int32Array(this.#table.length * 2).fill(-1);
      for (let u = 0; u < this.#traceSlots; u++)
        if (u !== t && (this.#count[u] as number) > 0) this.#insert(u);
    }
    this.#insert(t);
    return t;
  }

  #drop(t: number): void {
    for (let s = this.#first[t] as number; s >= 0; s = this.#spanNext[s] as number) this.#spanTrace[s] = DEAD;
    this.#spans -= this.#count[t] as number;
    this.#count[t] = 0;
    this.#remove(t);
    this.#free.push(t);
    this.#traces--;
  }

  /** Drops the trace of the oldest span, then forgets the dead spans at the tail. */
  #evictOldest(): void {
    const t = this.#spanTrace[this.#tail] as number;
    if (t !== DEAD) this.#drop(t);
    const cap = this.#spanNum.length;
    while (this.#used > 0 && this.#spanTrace[this.#tail] === DEAD) {
      this.#unref(this.#tail);
      this.#tail = (this.#tail + 1) % cap;
      this.#used--;
    }
    if (this.#used === 0) {
      this.#head = 0;
      this.#tail = 0;
      this.#numHead = 0;
      this.#strHead = 0;
    }
  }

  /**
   * A span slot with room for k numbers and m strings, evicting the oldest traces if need be;
   * -1 for a span larger than the rings.
   */
  #place(k: number, m: number): number {
    if (k > this.#maxNums || m > this.#maxStrs) return -1;
    for (;;) {
      const cap = this.#spanNum.length;
      const empty = this.#used === 0;
      if (this.#used === cap) {
        // Full: grow while the ring has not wrapped (slots keep their indices), else evict.
        if (cap < this.maxSpans && this.#tail === 0) this.#growSpans(Math.min(cap * 2, this.maxSpans));
        else {
          this.#evictOldest();
          continue;
        }
      }
      const numTail = empty ? 0 : (this.#spanNum[this.#tail] as number);
      const strTail = empty ? 0 : (this.#spanStr[this.#tail] as number);
      // Wrap when the run fits at the front (the evicted spans' room is reused); grow only when
      // it fits nowhere, then evict once a ring is at its limit. Growing instead of wrapping
      // left the rings sized for every span ever received, not for the ones kept (100,000
      // dd-trace spans after 136,000: strings 2.4M slots, numbers 1M, against 1.4M and 0.6M).
      const n = placeIn(this.#nums.length, this.#numHead, numTail, empty, k);
      if (n < 0) {
        if (this.#nums.length < this.#maxNums) this.#growNums(k);
        else this.#evictOldest();
        continue;
      }
      const s = placeIn(this.#strs.length, this.#strHead, strTail, empty, m);
      if (s < 0) {
        if (this.#strs.length < this.#maxStrs) this.#growStrs(m);
        else this.#evictOldest();
        continue;
      }
      const slot = this.#head;
      this.#spanNum[slot] = n;
      this.#spanStr[slot] = s;
      this.#spanNext[slot] = -1;
      this.#head = (slot + 1) % this.#spanNum.length;
      this.#used++;
      this.#numHead = n + k;
      this.#strHead = s + m;
      return slot;
    }
  }

  /**
   * Where value-ring offset o goes when a ring of `cap` slots whose oldest run starts at `tail` is
   * copied unwrapped into a larger one (the oldest run first).
   */
  static #unwrapped(o: number, tail: number, cap: number): number {
    return o >= tail ? o - tail : o + cap - tail;
  }

  /** The number ring grown to fit k more (its runs unwrapped, the span slots' offsets moved). */
  #growNums(k: number): void {
    const old = this.#nums;
    const tail = this.#used === 0 ? 0 : (this.#spanNum[this.#tail] as number);
    const live = runLength(old.length, tail, this.#numHead);
    const nums = new Float64Array(Math.min(nextSize(old.length, live + k), this.#maxNums));
    unwrapInto(old, nums, tail, this.#numHead);
    if (tail !== 0) this.#moveOffsets(this.#spanNum, tail, old.length);
    this.#nums = nums;
    this.#numHead = live;
  }

  /** The string ring grown to fit m more (as #growNums). */
  #growStrs(m: number): void {
    const old = this.#strs;
    const tail = this.#used === 0 ? 0 : (this.#spanStr[this.#tail] as number);
    const live = runLength(old.length, tail, this.#strHead);
    const size = Math.min(nextSize(old.length, live + m), this.#maxStrs);
    const strs = old instanceof Uint16Array ? new Uint16Array(size) : new Int32Array(size);
    unwrapInto(old, strs, tail, this.#strHead);
    if (tail !== 0) this.#moveOffsets(this.#spanStr, tail, old.length);
    this.#strs = strs;
    this.#strHead = live;
  }

  /** Every span slot's run offset in `at` as it is after its ring is unwrapped. */
  #moveOffsets(at: Int32Array, tail: number, cap: number): void {
    const slots = this.#spanNum.length;
    for (let i = 0, slot = this.#tail; i < this.#used; i++, slot = (slot + 1) % slots)
      at[slot] = TraceStore.#unwrapped(at[slot] as number, tail, cap);
  }

  /** The id of `str`, counted once more; `last*` is the run's cache (its key set's). */
  #ref(str: string, j: number, lastStr: string[], lastId: number[]): number {
    if (str === '') return 0;
    let id = lastId[j] ?? 0;
    if (str !== lastStr[j] || this.#strOf[id] !== str) {
      id = this.#idOfStr.get(str) ?? this.#newId(str);
      lastStr[j] = str;
      lastId[j] = id;
    }
    (this.#refs[id] as number)++;
    return id;
  }

  /** Writes a span's strings (name, service, resource, type, meta values) as ids at s. */
  #writeStrs(s: number, m: number, metaKeySet: number, from: readonly string[], at: number): void {
    let lastStr = this.#lastStr[metaKeySet];
    let lastId = this.#lastId[metaKeySet];
    if (lastStr === undefined || lastId === undefined) {
      lastStr = [];
      lastId = [];
      this.#lastStr[metaKeySet] = lastStr;
      this.#lastId[metaKeySet] = lastId;
    }
    for (let j = 0; j < m; j++) {
      // The id first: a new one may widen the ring (this.#strs is then another array).
      const id = this.#ref(from[at + j] as string, j, lastStr, lastId);
      this.#strs[s + j] = id;
    }
  }

  #newId(str: string): number {
    const id = this.#freeIds.pop() ?? this.#strOf.length;
    this.#strOf[id] = str;
    this.#idOfStr.set(str, id);
    if (id >= this.#refs.length) {
      const refs = new Int32Array(this.#refs.length * 2);
      refs.set(this.#refs);
      this.#refs = refs;
    }
    this.#refs[id] = 0;
    if (id > 0xffff && this.#strs instanceof Uint16Array) this.#strs = Int32Array.from(this.#strs);
    return id;
  }

  /** Forgets the strings of span slot `slot` (leaving the ring); an id no slot uses is freed. */
  #unref(slot: number): void {
    const s = this.#spanStr[slot] as number;
    const m = SPAN_STRS + (keySets[this.#fixed[slot * FIXED + 5] as number] as KeySet).keys.length;
    const strs = this.#strs;
    const refs = this.#refs;
    for (let j = s; j < s + m; j++) {
      const id = strs[j] as number;
      if (id === 0) continue;
      const left = (refs[id] as number) - 1;
      refs[id] = left;
      if (left === 0) {
        this.#idOfStr.delete(this.#strOf[id] as string);
        this.#strOf[id] = '';
        this.#freeIds.push(id);
      }
    }
  }

  #growSpans(n: number): void {
    this.#spanNum = grown(this.#spanNum, n);
    const fixed = new Uint32Array(n * FIXED);
    fixed.set(this.#fixed);
    this.#fixed = fixed;
    this.#spanStr = grown(this.#spanStr, n);
    this.#spanTrace = grown(this.#spanTrace, n);
    this.#spanNext = grown(this.#spanNext, n);
    this.#head = this.#used;
  }

  /** Links span slot `slot` at the end of trace `t`. */
  #link(t: number, slot: number): void {
    this.#spanTrace[slot] = t;
    const last = this.#last[t] as number;
    if (last < 0) this.#first[t] = slot;
    else this.#spanNext[last] = slot;
    this.#last[t] = slot;
    this.#count[t] = (this.#count[t] as number) + 1;
    this.#spans++;
  }

  /** Adds one chunk of a trace (dd-trace may send a trace in several chunks). */
  add(spans: Span[], now: number): void {
    for (const sp of spans) {
      const metaKeys = Object.keys(sp.meta);
      const metricKeys = Object.keys(sp.metrics);
      const slot = this.#place(TIMES + metricKeys.length, SPAN_STRS + metaKeys.length);
      if (slot < 0) continue;
      const n = this.#spanNum[slot] as number;
      const s = this.#spanStr[slot] as number;
      const nums = this.#nums;
      const [sh, sl] = idHalves(sp.span_id);
      const [ph, pl] = idHalves(sp.parent_id);
      this.#fixed.set([sh, sl, ph, pl, sp.error, keySetOf(metaKeys), keySetOf(metricKeys)], slot * FIXED);
      nums[n] = sp.start;
      nums[n + 1] = sp.duration;
      metricKeys.forEach((k, i) => {
        nums[n + TIMES + i] = sp.metrics[k] as number;
      });
      const values = [
        sp.name,
        sp.service,
        sp.resource,
        sp.type,
        ...metaKeys.map((k) => sp.meta[k] as string),
      ];
      this.#writeStrs(s, values.length, this.#fixed[slot * FIXED + 5] as number, values, 0);
      const [th, tl] = idHalves(sp.trace_id);
      this.#link(this.#traceOf(th, tl, now), slot);
    }
  }

  /** Adds spans [from, to) of a decoded batch (one chunk of a trace, or several ids mixed). */
  addDecoded(b: DecodedBatch, from: number, to: number, now: number): void {
    const { numAt, strAt, traceHi, traceLo } = b;
    const bn = b.nums;
    const bs = b.strs;
    let t = -1;
    let th = -1;
    let tl = -1;
    for (let i = from; i < to; i++) {
      const n0 = numAt[i] as number;
      const s0 = strAt[i] as number;
      // The decoder's layout (trace-span.ts) split: ids, error, key sets into the slot's fixed
      // fields; start, duration and the metric values into the number ring.
      const k = (numAt[i + 1] as number) - n0 - SPAN_NUMS + TIMES;
      const m = (strAt[i + 1] as number) - s0;
      const slot = this.#place(k, m);
      if (slot < 0) continue;
      const n = this.#spanNum[slot] as number;
      const s = this.#spanStr[slot] as number;
      const fixed = this.#fixed;
      const f = slot * FIXED;
      fixed[f] = bn[n0] as number;
      fixed[f + 1] = bn[n0 + 1] as number;
      fixed[f + 2] = bn[n0 + 2] as number;
      fixed[f + 3] = bn[n0 + 3] as number;
      fixed[f + 4] = bn[n0 + 4] as number;
      fixed[f + 5] = bn[n0 + 7] as number;
      fixed[f + 6] = bn[n0 + 8] as number;
      const nums = this.#nums;
      nums[n] = bn[n0 + 5] as number;
      nums[n + 1] = bn[n0 + 6] as number;
      for (let j = TIMES, d = n0 + SPAN_NUMS - TIMES; j < k; j++) nums[n + j] = bn[d + j] as number;
      this.#writeStrs(s, m, fixed[f + 5] as number, bs, s0);
      const hi = traceHi[i] as number;
      const lo = traceLo[i] as number;
      // The previous span's trace, unless placing this one dropped it.
      if (
        t < 0 ||
        hi !== th ||
        lo !== tl ||
        this.#count[t] === 0 ||
        this.#traceLo[t] !== lo ||
        this.#traceHi[t] !== hi
      ) {
        t = this.#traceOf(hi, lo, now);
        th = hi;
        tl = lo;
      }
      this.#link(t, slot);
    }
  }

  /** Counts a top-level span in the per-resource summary (the APM service page). */
  countResource(
    service: string,
    name: string,
    resource: string,
    error: number,
    durationNs: number,
    now: number,
  ): void {
    let r: ResourceSummary | undefined;
    for (const x of this.#recent) {
      if (x.resource === resource && x.name === name && x.service === service) {
        r = x;
        break;
      }
    }
    if (r === undefined) {
      const key = `${service}\u0000${name}\u0000${resource}`;
      r = this.#resources.get(key);
      if (!r) {
        r = { service, name, resource, hits: 0, errors: 0, totalDurationNs: 0, lastSeen: now };
        this.#resources.set(key, r);
      }
      this.#recent[this.#recentNext] = r;
      this.#recentNext = (this.#recentNext + 1) % RECENT_RESOURCES;
    }
    r.hits++;
    r.errors += error;
    r.totalDurationNs += durationNs;
    r.lastSeen = now;
  }

  #materialise(t: number): StoredTrace {
    const id = idText(this.#traceHi[t] as number, this.#traceLo[t] as number);
    const spans: Span[] = [];
    for (let s = this.#first[t] as number; s >= 0; s = this.#spanNext[s] as number)
      spans.push(this.#span(id, s));
    return { trace_id: id, spans, received: this.#received[t] as number };
  }

  #span(traceId: string, slot: number): Span {
    const fixed = this.#fixed;
    const f = slot * FIXED;
    const n = this.#spanNum[slot] as number;
    const s = this.#spanStr[slot] as number;
    const nums = this.#nums;
    const scalars = {
      spanHi: fixed[f] as number,
      spanLo: fixed[f + 1] as number,
      parentHi: fixed[f + 2] as number,
      parentLo: fixed[f + 3] as number,
      error: fixed[f + 4] as number,
      start: nums[n] as number,
      duration: nums[n + 1] as number,
    };
    const metaKeys = (keySets[fixed[f + 5] as number] as KeySet).keys;
    const metricKeys = (keySets[fixed[f + 6] as number] as KeySet).keys;
    const strs: string[] = [];
    for (let j = 0; j < SPAN_STRS + metaKeys.length; j++)
      strs.push(this.#strOf[this.#strs[s + j] as number] as string);
    return spanObject(traceId, scalars, metaKeys, metricKeys, strs, 0, nums, n + TIMES);
  }

  /** The trace with this id (decimal low 64 bits or hex). */
  get(traceId: string): StoredTrace | undefined {
    const id = normalizeTraceId(traceId);
    if (id === undefined) return undefined;
    const [hi, lo] = idHalves(id);
    const t = this.#lookup(hi, lo);
    return t < 0 ? undefined : this.#materialise(t);
  }

  /** Traces matching every given filter, newest first. */
  find(query: TraceQuery = {}): StoredTrace[] {
    const limit = query.limit ?? 50;
    if (query.traceId !== undefined) {
      const t = this.get(query.traceId);
      return t ? [t] : [];
    }
    const out: StoredTrace[] = [];
    const { service, resource, name, error } = query;
    const cap = this.#spanNum.length;
    // Newest first: each live trace is met at its first span, walking the ring backwards.
    for (let k = 0, slot = this.#head; k < this.#used && out.length < limit; k++) {
      slot = (slot - 1 + cap) % cap;
      const t = this.#spanTrace[slot] as number;
      if (t === DEAD || this.#first[t] !== slot) continue;
      if (query.since !== undefined && (this.#received[t] as number) < query.since) break;
      let hit = false;
      for (let s = slot; s >= 0 && !hit; s = this.#spanNext[s] as number) {
        const o = this.#spanStr[s] as number;
        hit =
          (service === undefined || this.#strOf[this.#strs[o + 1] as number] === service) &&
          (resource === undefined || this.#strOf[this.#strs[o + 2] as number] === resource) &&
          (name === undefined || this.#strOf[this.#strs[o] as number] === name) &&
          (error === undefined || (this.#fixed[s * FIXED + 4] === 1) === error);
      }
      if (hit) out.push(this.#materialise(t));
    }
    return out;
  }

  /** Services seen, each with its resources' hits, errors and mean duration. */
  resources(service?: string): ResourceSummary[] {
    return [...this.#resources.values()].filter((r) => service === undefined || r.service === service);
  }

  /** Names of the services seen. */
  services(): string[] {
    return [...new Set([...this.#resources.values()].map((r) => r.service))].sort();
  }
}

import { enrichTags, type HostRegistry } from '../../backend/hosts.ts';
import type { MetricStore } from '../../backend/metrics/store.ts';
import type { Clock } from '../../clock.ts';
import { grown } from '../../typed-arrays.ts';
import type { IntakeStats } from '../stats.ts';
import type { Aggregator, MetricContext, MetricKind } from './aggregator.ts';
import type { IntakeBus, IntakeEvent, ServiceCheck } from './events.ts';

const NL = 10;
const CR = 13;
const HASH = 35;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const AT = 64;
const T_UPPER = 84;
const UNDERSCORE = 95;
const PIPE = 124;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Text Go's ParseFloat accepts beyond plain decimals (slow path only). */
const FLOAT_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** What a line's shape (name, and everything after the value) resolves to, once parsed. */
interface Shape {
  ctx: MetricContext;
  rate: number;
}

export interface ParserDeps {
  readonly aggregator: Aggregator;
  readonly store: MetricStore;
  readonly hosts: HostRegistry;
  readonly stats: IntakeStats;
  readonly bus: IntakeBus;
  readonly clock: Clock;
}

/** Values a line may carry (v:v:…). */
const MAX_VALUES = 256;
/** Shapes kept before the cache starts over (a sender inventing names must not grow it forever). */
export const MAX_SHAPES = 100_000;
const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5 | 0;

/**
 * Known line shapes, keyed by their bytes: the name, then the text after the value (`type|@rate|
 * #tags`, up to the line's end). Open addressing over a hash of those bytes; keys are kept in one
 * byte arena and compared in place, so a lookup makes no string and no garbage.
 */
class ShapeTable {
  #mask = 0;
  /** slot -> entry + 1 (0: empty). */
  #slots = new Int32Array(0);
  #hash = new Int32Array(0);
  /** Entry -> key offset in the arena, name length, rest length. */
  #off = new Int32Array(0);
  #nameLen = new Int32Array(0);
  #restLen = new Int32Array(0);
  #shapes: Shape[] = [];
  #arena = new Uint8Array(0);
  #view = new DataView(this.#arena.buffer);
  #arenaUsed = 0;
  size = 0;

  constructor() {
    this.clear();
  }

  clear(): void {
    this.#mask = 4095;
    this.#slots = new Int32Array(4096);
    this.#hash = new Int32Array(2048);
    this.#off = new Int32Array(2048);
    this.#nameLen = new Int32Array(2048);
    this.#restLen = new Int32Array(2048);
    this.#shapes = [];
    this.#arena = new Uint8Array(128 * 1024);
    this.#view = new DataView(this.#arena.buffer);
    this.#arenaUsed = 0;
    this.size = 0;
  }

  /** The shape of name bytes [ns, ne) and rest bytes [rs, re) with hash `h`, or undefined. */
  get(
    h: number,
    buf: Uint8Array,
    dv: DataView,
    ns: number,
    ne: number,
    rs: number,
    re: number,
  ): Shape | undefined {
    const mask = this.#mask;
    const slots = this.#slots;
    const nl = ne - ns;
    const rl = re - rs;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = (slots[i] as number) - 1;
      if (entry < 0) return undefined;
      if (this.#hash[entry] !== h || this.#nameLen[entry] !== nl || this.#restLen[entry] !== rl) continue;
      const arena = this.#arena;
      let k = this.#off[entry] as number;
      let j = ns;
      while (j < ne && arena[k] === buf[j]) {
        k++;
        j++;
      }
      if (j < ne) continue;
      const view = this.#view;
      j = rs;
      while (j + 4 <= re && view.getInt32(k, true) === dv.getInt32(j, true)) {
        k += 4;
        j += 4;
      }
      while (j < re && arena[k] === buf[j]) {
        k++;
        j++;
      }
      if (j < re) continue;
      return this.#shapes[entry];
    }
  }

  /** Adds (or replaces) the shape of those bytes. */
  set(
    h: number,
    buf: Uint8Array,
    dv: DataView,
    ns: number,
    ne: number,
    rs: number,
    re: number,
    shape: Shape,
  ): void {
    const known = this.get(h, buf, dv, ns, ne, rs, re);
    if (known) {
      known.ctx = shape.ctx;
      known.rate = shape.rate;
      return;
    }
    const entry = this.size;
    if (entry === this.#hash.length) this.#growEntries();
    if ((entry + 1) * 2 > this.#mask + 1) this.#growSlots();
    const len = ne - ns + (re - rs);
    if (this.#arenaUsed + len > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + len));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
      this.#view = new DataView(arena.buffer);
    }
    const off = this.#arenaUsed;
    this.#arena.set(buf.subarray(ns, ne), off);
    this.#arena.set(buf.subarray(rs, re), off + (ne - ns));
    this.#arenaUsed += len;
    this.#hash[entry] = h;
    this.#off[entry] = off;
    this.#nameLen[entry] = ne - ns;
    this.#restLen[entry] = re - rs;
    this.#shapes.push(shape);
    this.size++;
    this.#place(entry);
  }

  #place(entry: number): void {
    const mask = this.#mask;
    let i = (this.#hash[entry] as number) & mask;
    while (this.#slots[i] !== 0) i = (i + 1) & mask;
    this.#slots[i] = entry + 1;
  }

  #growEntries(): void {
    const n = this.#hash.length * 2;
    this.#hash = grown(this.#hash, n);
    this.#off = grown(this.#off, n);
    this.#nameLen = grown(this.#nameLen, n);
    this.#restLen = grown(this.#restLen, n);
  }

  #growSlots(): void {
    this.#slots = new Int32Array((this.#mask + 1) * 2);
    this.#mask = this.#slots.length - 1;
    for (let e = 0; e < this.size; e++) this.#place(e);
  }
}

/**
 * The DogStatsD datagram parser, working on the packet's bytes, no regex on the hot path. One pass
 * over a line hashes its shape (the name, and the type, rate and tags after the value) and finds
 * the value; a known shape (looked up by those bytes, no string made) costs no field parsing and
 * no tag work, only its value is read. A new shape splits tags and normalises them once. Rules
 * follow the Agent's parser (comp/dogstatsd/server/impl/parse*.go): split on `\n`, then `|`;
 * `name:v1[:v2…]`; optional fields by prefix in any order (`@` rate, `#` tags, `T` timestamp,
 * others ignored).
 */
export class DogStatsDParser {
  readonly #deps: ParserDeps;
  readonly #shapes = new ShapeTable();
  /** A line's values, and one slot more (the value that makes too many). */
  readonly #values = new Float64Array(MAX_VALUES + 1);
  /** The shape the last slow-path line resolved to (undefined: not to be cached). */
  #resolved: Shape | undefined;
  #now = 0;
  /**
   * Shapes the native listener pre-parses (native/dogstatsd_preparse.c), by its shape id, for the
   * current epoch (its table starting over begins a new one).
   */
  #nativeCtx: Array<MetricContext | undefined> = [];
  /**
   * Per native shape: its sample rate (a shape's bytes include its rate), its context's slot in
   * the aggregator (-1: not learnt) and that slot's generation when learnt (a context forgotten
   * since has another).
   */
  #nativeRate = new Float64Array(0);
  #nativeSlot = new Int32Array(0);
  #nativeGen = new Int32Array(0);
  /** The native listener's table epoch these ids belong to (it starts at 1). */
  nativeEpoch = 1;
  #viewOf: Buffer | undefined;
  #view: DataView = new DataView(new ArrayBuffer(0));

  constructor(deps: ParserDeps) {
    this.#deps = deps;
  }

  /** Parses one packet (several lines) in buf[start, end); never throws on bad input. */
  parse(buf: Buffer, start = 0, end: number = buf.length): void {
    const stats = this.#deps.stats;
    stats.packets++;
    stats.bytes += end - start;
    this.#now = this.#deps.clock.now();
    this.#deps.aggregator.advance(this.#now, true);
    const shapes = this.#shapes;
    // The receiver thread's ring is one Buffer: its view is made once.
    if (buf !== this.#viewOf) {
      this.#viewOf = buf;
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const dv = this.#view;
    let i = start;
    while (i < end) {
      const s = i;
      // Name: hashed up to the first ':' ('|' or the line's end: not a plain metric line).
      let h = FNV_OFFSET;
      let c = 0;
      while (i < end) {
        c = buf[i] as number;
        if (c === COLON || c === PIPE || c === NL) break;
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      }
      const colon = i;
      let p1 = -1;
      if (c === COLON && i < end) {
        i++;
        while (i < end) {
          c = buf[i] as number;
          if (c === PIPE || c === NL) break;
          i++;
        }
        if (c === PIPE && i < end) p1 = i++;
      }
      if (p1 >= 0) {
        h = Math.imul(h ^ 0xff, FNV_PRIME);
        // Four bytes at a time while none is '\n' (SWAR test), then byte by byte to the line's end.
        while (i + 4 <= end) {
          const w = dv.getInt32(i, true);
          const x = w ^ 0x0a0a0a0a;
          if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
          h = Math.imul(h ^ w, FNV_PRIME);
          i += 4;
        }
        while (i < end) {
          c = buf[i] as number;
          if (c === NL) break;
          h = Math.imul(h ^ c, FNV_PRIME);
          i++;
        }
      } else {
        while (i < end && buf[i] !== NL) i++;
      }
      const le = i;
      i = le + 1;
      const shape = p1 >= 0 && colon > s ? shapes.get(h, buf, dv, s, colon, p1 + 1, le) : undefined;
      if (shape !== undefined && !shape.ctx.expired) {
        stats.lines++;
        this.#sample(buf, shape.ctx, shape.rate, colon, p1);
        continue;
      }
      const resolved = this.#unknownLine(buf, s, le);
      if (resolved !== undefined && p1 >= 0) {
        if (shapes.size >= MAX_SHAPES) shapes.clear();
        shapes.set(h, buf, dv, s, colon, p1 + 1, le, resolved);
      }
    }
  }

  /** A datagram came through the native listener (its REC_PACKET): counted as parse() counts one. */
  packet(bytes: number): void {
    const stats = this.#deps.stats;
    stats.packets++;
    stats.bytes += bytes;
    this.#now = this.#deps.clock.now();
    this.#deps.aggregator.advance(this.#now, true);
  }

  /**
   * `n` lines of learnt shapes whose value is a plain decimal, pre-parsed by the native listener
   * (REC_FAST): n x (shape id int32, value float64) from `at`. What parse() does for a line of a
   * known shape, without its bytes.
   */
  knownLines(dv: DataView, at: number, n: number): void {
    const stats = this.#deps.stats;
    const agg = this.#deps.aggregator;
    const rates = this.#nativeRate;
    const slots = this.#nativeSlot;
    const gens = this.#nativeGen;
    let good = 0;
    let p = at;
    for (let k = 0; k < n; k++, p += 12) {
      const id = dv.getInt32(p, true);
      let slot = id >= 0 && id < slots.length ? (slots[id] as number) : -1;
      if (slot < 0 || agg.generation(slot) !== gens[id]) {
        slot = this.#relearn(id);
        if (slot < 0) {
          // the listener only sends ids this parser learnt: a broken record, not a bad line
          stats.error('internal parser error');
          continue;
        }
      }
      // no object read here: the aggregator's columns by slot, the log for the rest
      agg.sampleSlot(slot, dv.getFloat64(p + 4, true), rates[id] as number);
      good++;
    }
    stats.lines += n;
    stats.preparsedLines += n;
    stats.metricSamples += good;
    stats.metricLines += good;
  }

  /**
   * One line [s, le) the native listener passes on whole (REC_LINE), parsed as parse() parses a
   * line of an unknown shape. Returns true when it resolved to a reusable shape and `id` >= 0:
   * the listener may then send that shape's lines as (id, value) (the caller tells it).
   */
  line(buf: Buffer, s: number, le: number, id: number): boolean {
    let learnt = id >= 0 ? this.#nativeCtx[id] : undefined;
    if (learnt !== undefined) {
      // A shape learnt since the listener sent this line (it runs ahead of this thread by up to
      // the ring): the same bytes as the learnt line up to the value, so only the value is read.
      let colon = s;
      while (buf[colon] !== COLON) colon++;
      let p1 = colon + 1;
      while (buf[p1] !== PIPE) p1++;
      this.#deps.stats.lines++;
      if (learnt.expired) {
        learnt = this.#revive(learnt);
        this.#nativeCtx[id] = learnt;
      }
      this.#sample(buf, learnt, this.#nativeRate[id] as number, colon, p1);
      return false;
    }
    const resolved = this.#unknownLine(buf, s, le);
    // a set's samples need the value's text, which (id, value) records do not carry
    if (id < 0 || resolved === undefined || resolved.ctx.kind === 'set') return false;
    this.#nativeCtx[id] = resolved.ctx;
    if (id >= this.#nativeRate.length) {
      const n = Math.max(1024, 2 * this.#nativeRate.length, id + 1);
      this.#nativeRate = grown(this.#nativeRate, n);
      this.#nativeSlot = grown(this.#nativeSlot, n, -1);
      this.#nativeGen = grown(this.#nativeGen, n);
    }
    this.#nativeRate[id] = resolved.rate;
    this.#nativeSlot[id] = resolved.ctx.slot;
    this.#nativeGen[id] = this.#deps.aggregator.generation(resolved.ctx.slot);
    return true;
  }

  /** The slot of native shape `id` once its context is looked up again (forgotten), -1 if none. */
  #relearn(id: number): number {
    const old = id >= 0 ? this.#nativeCtx[id] : undefined;
    if (old === undefined) return -1;
    const ctx = old.expired ? this.#revive(old) : old;
    this.#nativeCtx[id] = ctx;
    this.#nativeSlot[id] = ctx.slot;
    this.#nativeGen[id] = this.#deps.aggregator.generation(ctx.slot);
    return ctx.slot;
  }

  /**
   * A line [s, le) of a shape not known (its `\r` dropped, an empty one skipped): parsed in full.
   * Returns the shape it resolved to when that shape may be reused (no timestamp, no error before
   * its context), else undefined.
   */
  #unknownLine(buf: Buffer, s: number, le: number): Shape | undefined {
    let e = le;
    if (e > s && buf[e - 1] === CR) e--;
    if (e <= s) return undefined;
    const stats = this.#deps.stats;
    stats.lines++;
    this.#resolved = undefined;
    try {
      this.#line(buf, s, e);
    } catch {
      stats.error('internal parser error');
    }
    return this.#resolved as Shape | undefined;
  }

  /** The native listener's shape table started over (REC_RESET): its ids are reused. */
  nativeReset(): void {
    this.#nativeCtx = [];
    this.#nativeSlot.fill(-1);
    this.nativeEpoch++;
  }

  /** An idle-expired context again (what a new shape would resolve to). */
  #revive(ctx: MetricContext): MetricContext {
    const host = ctx.tags.find((t) => t.startsWith('host:'));
    if (host) this.#deps.hosts.seen(host.slice(5), this.#now);
    return this.#deps.aggregator.context(ctx.name, ctx.kind, ctx.tags);
  }

  /**
   * Parses the `v[:v...]` between colon and p1 into #values and answers how many; -1 (the reason
   * counted) when one does not parse: every value must, or the whole line is rejected (as the
   * Agent does).
   */
  #parseValues(buf: Buffer, colon: number, p1: number): number {
    const stats = this.#deps.stats;
    const values = this.#values;
    let n = 0;
    let v = colon + 1;
    while (v <= p1) {
      let ve = v;
      while (ve < p1 && buf[ve] !== COLON) ve++;
      if (ve > v) {
        // written into the array, not returned: a returned double would be boxed
        parseNumberInto(buf, v, ve, values, n);
        const x = values[n] as number;
        if (!Number.isFinite(x)) {
          stats.error(Number.isNaN(x) ? 'invalid value' : 'non-finite value');
          return -1;
        }
        if (n === MAX_VALUES) {
          stats.error('too many values');
          return -1;
        }
        n++;
      }
      v = ve + 1;
    }
    if (n === 0) {
      stats.error('empty value');
      return -1;
    }
    return n;
  }

  /** The values of a line of a known shape: name:v[:v…] with the value text in (colon, p1). */
  #sample(buf: Buffer, ctx: MetricContext, rate: number, colon: number, p1: number): void {
    const stats = this.#deps.stats;
    const agg = this.#deps.aggregator;
    if (ctx.kind === 'set') {
      if (colon + 1 === p1) {
        stats.error('empty value');
        return;
      }
      agg.setMember(ctx, buf.toString('utf8', colon + 1, p1));
      stats.metricSamples++;
      stats.metricLines++;
      return;
    }
    const values = this.#values;
    const n = this.#parseValues(buf, colon, p1);
    if (n < 0) return;
    agg.samples(ctx, values, n, rate);
    stats.metricSamples += n;
    stats.metricLines++;
  }

  /** A line not known by its shape: events, service checks, new shapes, bad lines. */
  #line(buf: Buffer, s: number, e: number): void {
    const stats = this.#deps.stats;
    if (buf[s] === UNDERSCORE && e - s > 3) {
      if (buf[s + 1] === 101 && buf[s + 2] === 123) {
        this.#event(buf, s, e);
        return;
      }
      if (buf[s + 1] === 115 && buf[s + 2] === 99 && buf[s + 3] === PIPE) {
        this.#serviceCheck(buf, s, e);
        return;
      }
    }
    let p1 = s;
    while (p1 < e && buf[p1] !== PIPE) p1++;
    let colon = s;
    while (colon < p1 && buf[colon] !== COLON) colon++;
    if (colon === p1) {
      stats.error(p1 === e ? 'missing value and type' : 'missing value');
      return;
    }
    if (colon === s) {
      stats.error('empty metric name');
      return;
    }
    if (p1 === e) {
      stats.error('missing type');
      return;
    }
    let rate = 1;
    let timestamp = 0;
    let p2 = p1 + 1;
    while (p2 < e && buf[p2] !== PIPE) p2++;
    const kind = kindOf(buf, p1 + 1, p2);
    if (kind === undefined) {
      stats.error(p2 === p1 + 1 ? 'missing type' : 'unknown metric type');
      return;
    }
    let tagStart = -1;
    let tagEnd = -1;
    let f = p2 + 1;
    while (f < e) {
      let fe = f;
      while (fe < e && buf[fe] !== PIPE) fe++;
      const c = buf[f];
      if (c === AT) {
        rate = parseNumber(buf, f + 1, fe);
        if (!(rate > 0 && rate <= 1)) {
          stats.error('invalid sample rate');
          return;
        }
      } else if (c === HASH) {
        tagStart = f + 1;
        tagEnd = fe;
      } else if (c === T_UPPER) {
        timestamp = parseNumber(buf, f + 1, fe);
        if (!(timestamp > 0) || !Number.isInteger(timestamp)) {
          stats.error('invalid timestamp');
          return;
        }
      }
      f = fe + 1;
    }
    const ctx = this.#context(
      buf.toString('utf8', s, colon),
      kind,
      tagStart < 0 ? '' : buf.toString('utf8', tagStart, tagEnd),
    );
    if (timestamp === 0) {
      // Lines with |T carry a new timestamp each time: their shapes are not worth keeping.
      this.#resolved = { ctx, rate };
      this.#sample(buf, ctx, rate, colon, p1);
      return;
    }
    // |T points are not aggregated: stored at their own time, as the Agent forwards them.
    if (kind === 'set') {
      this.#sample(buf, ctx, rate, colon, p1);
      return;
    }
    const values = this.#values;
    const n = this.#parseValues(buf, colon, p1);
    if (n < 0) return;
    const agg = this.#deps.aggregator;
    if (kind !== 'gauge' && kind !== 'count') {
      agg.samples(ctx, values, n, rate);
    } else {
      for (let k = 0; k < n; k++) {
        const x = values[k] as number;
        if (kind === 'gauge')
          this.#deps.store.addPoint(ctx.name, ctx.tags, 'gauge', 0, timestamp, x, 'replace');
        else this.#deps.store.addPoint(ctx.name, ctx.tags, 'count', agg.interval, timestamp, x / rate, 'add');
      }
    }
    stats.metricSamples += n;
    stats.metricLines++;
  }

  #context(name: string, kind: MetricKind, rawTags: string): MetricContext {
    const tags = enrichTags(rawTags.length > 0 ? rawTags.split(',') : [], this.#deps.hosts);
    const host = tags.find((t) => t.startsWith('host:'));
    if (host) this.#deps.hosts.seen(host.slice(5), this.#now);
    return this.#deps.aggregator.context(name, kind, tags);
  }

  #event(buf: Buffer, s: number, e: number): void {
    const stats = this.#deps.stats;
    // _e{<title length>,<text length>}:<title>|<text>|…
    let i = s + 3;
    let titleLen = 0;
    let textLen = 0;
    const i0 = i;
    while (i < e && (buf[i] as number) >= ZERO && (buf[i] as number) <= NINE)
      titleLen = titleLen * 10 + (buf[i++] as number) - ZERO;
    if (i === i0 || buf[i] !== 44) {
      stats.error('invalid event header');
      return;
    }
    const i1 = ++i;
    while (i < e && (buf[i] as number) >= ZERO && (buf[i] as number) <= NINE)
      textLen = textLen * 10 + (buf[i++] as number) - ZERO;
    if (i === i1 || buf[i] !== 125 || buf[i + 1] !== COLON) {
      stats.error('invalid event header');
      return;
    }
    const body = i + 2;
    let title: string;
    let text: string;
    let rest: string;
    const textEnd = body + titleLen + 1 + textLen;
    if (textEnd <= e && buf[body + titleLen] === PIPE && (textEnd === e || buf[textEnd] === PIPE)) {
      title = buf.toString('utf8', body, body + titleLen);
      text = buf.toString('utf8', body + titleLen + 1, textEnd);
      rest = buf.toString('utf8', textEnd, e);
    } else {
      // hot-shots writes JS string lengths (UTF-16 units), not bytes: accept those too.
      const str = buf.toString('utf8', body, e);
      const end = titleLen + 1 + textLen;
      if (str.length < end || str[titleLen] !== '|' || (str.length > end && str[end] !== '|')) {
        stats.error('event lengths do not match title and text');
        return;
      }
      title = str.slice(0, titleLen);
      text = str.slice(titleLen + 1, end);
      rest = str.slice(end);
    }
    if (title.length === 0) {
      stats.error('empty event title');
      return;
    }
    let date = Math.floor(this.#now / 1000);
    let host: string | undefined;
    let aggregationKey: string | undefined;
    let priority: IntakeEvent['priority'] = 'normal';
    let source: string | undefined;
    let alertType: IntakeEvent['alert_type'] = 'info';
    let tags: string[] = [];
    for (const field of rest.split('|')) {
      if (field.startsWith('d:')) {
        const d = Number(field.slice(2));
        if (Number.isInteger(d) && d > 0) date = d;
      } else if (field.startsWith('h:')) host = field.slice(2);
      else if (field.startsWith('k:')) aggregationKey = field.slice(2);
      else if (field.startsWith('p:')) priority = field.slice(2) === 'low' ? 'low' : 'normal';
      else if (field.startsWith('s:')) source = field.slice(2);
      else if (field.startsWith('t:')) {
        const t = field.slice(2);
        if (t === 'error' || t === 'warning' || t === 'success' || t === 'info') alertType = t;
      } else if (field.startsWith('#')) tags = field.slice(1).split(',').filter(Boolean);
    }
    stats.events++;
    this.#deps.bus.event({
      title,
      text: text.replaceAll('\\n', '\n'),
      date_happened: date,
      host: host ?? this.#deps.hosts.local.name,
      aggregation_key: aggregationKey,
      priority,
      source_type_name: source,
      alert_type: alertType,
      tags,
    });
  }

  #serviceCheck(buf: Buffer, s: number, e: number): void {
    const stats = this.#deps.stats;
    const parts = buf.toString('utf8', s, e).split('|');
    const name = parts[1] ?? '';
    const status = Number(parts[2]);
    if (name.length === 0) {
      stats.error('empty service check name');
      return;
    }
    if (!(parts[2] === '0' || parts[2] === '1' || parts[2] === '2' || parts[2] === '3')) {
      stats.error('invalid service check status');
      return;
    }
    let timestamp = Math.floor(this.#now / 1000);
    let host: string | undefined;
    let tags: string[] = [];
    let message: string | undefined;
    for (const field of parts.slice(3)) {
      if (field.startsWith('d:')) {
        const d = Number(field.slice(2));
        if (Number.isInteger(d) && d > 0) timestamp = d;
      } else if (field.startsWith('h:')) host = field.slice(2);
      else if (field.startsWith('#')) tags = field.slice(1).split(',').filter(Boolean);
      else if (field.startsWith('m:')) message = field.slice(2);
    }
    stats.serviceChecks++;
    this.#deps.bus.serviceCheck({
      check: name,
      status: status as ServiceCheck['status'],
      timestamp,
      host_name: host ?? this.#deps.hosts.local.name,
      tags,
      message,
    });
  }
}

function kindOf(buf: Buffer, s: number, e: number): MetricKind | undefined {
  if (e - s === 1) {
    switch (buf[s]) {
      case 99:
        return 'count';
      case 103:
        return 'gauge';
      case 104:
        return 'histogram';
      case 115:
        return 'set';
      case 100:
        return 'distribution';
    }
    return undefined;
  }
  if (e - s === 2 && buf[s] === 109 && buf[s + 1] === 115) return 'timing';
  return undefined;
}

/**
 * A decimal number from bytes without making a string: [+-]digits[.digits], exact like
 * ParseFloat for up to 15 significant digits; anything else goes through Number() after a check
 * that Go's ParseFloat would take it. NaN when it is not a number.
 */
export function parseNumber(buf: Buffer, s: number, e: number): number {
  parseNumberInto(buf, s, e, ONE, 0);
  return ONE[0] as number;
}

const ONE = new Float64Array(1);

/** parseNumber writing into out[i] (the hot path: no boxed number returned). */
export function parseNumberInto(buf: Buffer, s: number, e: number, out: Float64Array, at: number): void {
  let i = s;
  let neg = false;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
    neg = buf[i] === MINUS;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  for (; i < e; i++) {
    const c = buf[i] as number;
    if (c >= ZERO && c <= NINE) {
      mant = mant * 10 + (c - ZERO);
      digits++;
      if (seenDot) frac++;
    } else if (c === DOT && !seenDot) seenDot = true;
    else break;
  }
  if (i === e && digits > 0 && digits <= 15) {
    const v = frac === 0 ? mant : mant / (POW10[frac] as number);
    out[at] = neg ? -v : v;
    return;
  }
  out[at] = slowNumber(buf, s, e);
}

function slowNumber(buf: Buffer, s: number, e: number): number {
  if (e === s) return Number.NaN;
  const text = buf.toString('latin1', s, e);
  if (!FLOAT_TEXT.test(text)) return Number.NaN;
  const lower = text.toLowerCase().replace(/^[+-]/, '');
  if (lower.startsWith('inf'))
    return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return Number(text);
}

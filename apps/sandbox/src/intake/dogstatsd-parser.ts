import type { Clock } from '../clock.ts';
import type { Aggregator, MetricContext, MetricKind } from '../metrics/aggregator.ts';
import { enrichTags, type HostRegistry } from '../metrics/hosts.ts';
import type { MetricStore } from '../metrics/store.ts';
import type { IntakeBus, IntakeEvent, ServiceCheck } from './events.ts';
import type { IntakeStats } from './stats.ts';

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

/** Node's Buffer has latin1Slice (what toString('latin1') calls) without the argument checks. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** What a line's shape (name, and everything after the value) resolves to, once parsed. */
interface Shape {
  readonly ctx: MetricContext;
  readonly rate: number;
}

export interface ParserDeps {
  readonly aggregator: Aggregator;
  readonly store: MetricStore;
  readonly hosts: HostRegistry;
  readonly stats: IntakeStats;
  readonly bus: IntakeBus;
  readonly clock: Clock;
}

/**
 * The DogStatsD datagram parser, working on the packet's bytes, no regex on the hot path. A
 * line's shape (its name, and its type, rate and tags after the value) is looked up as two
 * latin1 strings in a cache, so a known shape costs no field parsing and no tag work; only a new
 * shape splits tags and normalises them. Rules follow the Agent's parser
 * (comp/dogstatsd/server/impl/parse*.go): split on `\n`, then `|`; `name:v1[:v2…]`; optional
 * fields by prefix in any order (`@` rate, `#` tags, `T` timestamp, others ignored).
 */
export class DogStatsDParser {
  readonly #deps: ParserDeps;
  /** name (latin1 bytes) -> text after the value (`type|@rate|#tags`, latin1) -> shape. */
  readonly #shapes = new Map<string, Map<string, Shape>>();
  #shapeCount = 0;
  readonly #values = new Float64Array(256);
  #now = 0;

  constructor(deps: ParserDeps) {
    this.#deps = deps;
  }

  /** Parses one packet (several lines); never throws on bad input. */
  parse(buf: Buffer, length: number = buf.length): void {
    const stats = this.#deps.stats;
    stats.packets++;
    stats.bytes += length;
    this.#now = this.#deps.clock.now();
    this.#deps.aggregator.advance(this.#now, true);
    let s = 0;
    while (s < length) {
      let le = buf.indexOf(NL, s);
      if (le < 0 || le > length) le = length;
      let e = le;
      if (e > s && buf[e - 1] === CR) e--;
      if (e > s) {
        stats.lines++;
        try {
          this.#line(buf, s, e);
        } catch {
          stats.error('internal parser error');
        }
      }
      s = le + 1;
    }
    if (this.#shapeCount > 100_000) {
      this.#shapes.clear();
      this.#shapeCount = 0;
    }
  }

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
    // Fast path: a line shape seen before (same name, type, rate and tags) needs no field parsing
    // and no tag work; only its value is read. Two short latin1 strings are the whole cost.
    const nameKey = (buf as Latin1Buffer).latin1Slice(s, colon);
    const restKey = (buf as Latin1Buffer).latin1Slice(p1 + 1, e);
    let byRest = this.#shapes.get(nameKey);
    const known = byRest?.get(restKey);
    let ctx: MetricContext;
    let rate = 1;
    let timestamp = 0;
    if (known !== undefined && !known.ctx.expired) {
      ctx = known.ctx;
      rate = known.rate;
    } else {
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
      ctx = this.#context(
        buf.toString('utf8', s, colon),
        kind,
        tagStart < 0 ? '' : buf.toString('utf8', tagStart, tagEnd),
      );
      // Lines with |T carry a new timestamp each time: their shapes are not worth keeping.
      if (timestamp === 0) {
        if (!byRest) {
          byRest = new Map();
          this.#shapes.set(nameKey, byRest);
        }
        byRest.set(restKey, { ctx, rate });
        this.#shapeCount++;
      }
    }
    const kind = ctx.kind;
    const agg = this.#deps.aggregator;
    if (kind === 'set') {
      if (colon + 1 === p1) {
        stats.error('empty value');
        return;
      }
      agg.setMember(ctx, buf.toString('utf8', colon + 1, p1));
      stats.metricSamples++;
      stats.metricLines++;
      return;
    }
    // Every value must parse, or the whole line is rejected (as the Agent does).
    const values = this.#values;
    let n = 0;
    let v = colon + 1;
    while (v <= p1) {
      let ve = v;
      while (ve < p1 && buf[ve] !== COLON) ve++;
      if (ve > v) {
        const x = parseNumber(buf, v, ve);
        if (!Number.isFinite(x)) {
          stats.error(Number.isNaN(x) ? 'invalid value' : 'non-finite value');
          return;
        }
        if (n === values.length) {
          stats.error('too many values');
          return;
        }
        values[n++] = x;
      }
      v = ve + 1;
    }
    if (n === 0) {
      stats.error('empty value');
      return;
    }
    if (timestamp > 0 && (kind === 'gauge' || kind === 'count')) {
      // |T points are not aggregated: stored at their own time, as the Agent forwards them.
      for (let i = 0; i < n; i++) {
        const x = values[i] as number;
        if (kind === 'gauge')
          this.#deps.store.addPoint(ctx.name, ctx.tags, 'gauge', 0, timestamp, x, 'replace');
        else this.#deps.store.addPoint(ctx.name, ctx.tags, 'count', agg.interval, timestamp, x / rate, 'add');
      }
      stats.metricSamples += n;
      stats.metricLines++;
      return;
    }
    for (let i = 0; i < n; i++) agg.sample(ctx, values[i] as number, rate);
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
    return neg ? -v : v;
  }
  if (e === s) return Number.NaN;
  const text = buf.toString('latin1', s, e);
  if (!FLOAT_TEXT.test(text)) return Number.NaN;
  const lower = text.toLowerCase().replace(/^[+-]/, '');
  if (lower.startsWith('inf'))
    return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return Number(text);
}

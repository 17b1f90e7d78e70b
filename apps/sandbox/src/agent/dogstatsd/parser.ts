import type { IntakeEvent, ServiceCheck } from './events.ts';

/** DogStatsD metric types: c g ms h s d. */
export type MetricType = 'count' | 'gauge' | 'timing' | 'histogram' | 'set' | 'distribution';

const TYPES = new Map<string, MetricType>([
  ['c', 'count'],
  ['g', 'gauge'],
  ['ms', 'timing'],
  ['h', 'histogram'],
  ['s', 'set'],
  ['d', 'distribution'],
]);

/** Values a line may carry (v:v:…). */
export const MAX_VALUES = 256;

/** One metric line: `name:v[:v…]|type[|@rate][|#tags][|c:container][|T<seconds>]`. */
export interface MetricLine {
  readonly kind: 'metric';
  readonly name: string;
  readonly type: MetricType;
  /** The values; a set's one member is in `member` instead. */
  readonly values: readonly number[];
  readonly member: string | undefined;
  readonly rate: number;
  /** The tags as sent, comma-separated ('' for none); the receiver adds the host and DD_TAGS. */
  readonly tags: string;
  /** `|T`: the point's own time in UNIX seconds (0: none, the arrival time is used). */
  readonly timestamp: number;
  readonly containerId: string | undefined;
}

/** An event (`_e{…}`); date and host are left undefined when the line has none. */
export interface EventLine {
  readonly kind: 'event';
  readonly event: Omit<IntakeEvent, 'date_happened' | 'host'> & {
    readonly date_happened: number | undefined;
    readonly host: string | undefined;
  };
}

/** A service check (`_sc|…`); timestamp and host are left undefined when the line has none. */
export interface ServiceCheckLine {
  readonly kind: 'service_check';
  readonly check: Omit<ServiceCheck, 'timestamp' | 'host_name'> & {
    readonly timestamp: number | undefined;
    readonly host_name: string | undefined;
  };
}

/** A line rejected, with the reason counted under /sandbox/intake. */
export interface BadLine {
  readonly kind: 'error';
  readonly reason: string;
}

export type ParsedLine = MetricLine | EventLine | ServiceCheckLine | BadLine;

const bad = (reason: string): BadLine => ({ kind: 'error', reason });

/** Text Go's ParseFloat accepts (the Agent parses values with it). */
const FLOAT_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** A number as Go's ParseFloat reads it; NaN when it is not one. */
export function parseNumber(text: string): number {
  if (!FLOAT_TEXT.test(text)) return Number.NaN;
  const bare = text.replace(/^[+-]/, '').toLowerCase();
  if (bare.startsWith('inf'))
    return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return bare === 'nan' ? Number.NaN : Number(text);
}

/** The lines of a datagram: split on `\n`, a trailing `\r` dropped, empty lines skipped. */
export function splitLines(packet: string): string[] {
  const out: string[] = [];
  for (const raw of packet.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length > 0) out.push(line);
  }
  return out;
}

/**
 * One DogStatsD line, by the Agent's rules (comp/dogstatsd/server/impl/parse*.go): `name:values`,
 * then `|type`, then optional fields by prefix in any order (`@` rate, `#` tags, `c:` container,
 * `T` timestamp; others ignored). Every value must parse or the line is rejected.
 */
export function parseLine(line: string): ParsedLine {
  if (line.startsWith('_e{') && line.length > 3) return parseEvent(line);
  if (line.startsWith('_sc|')) return parseServiceCheck(line);
  const fields = line.split('|');
  const head = fields[0] as string;
  const colon = head.indexOf(':');
  if (colon < 0) return bad(fields.length === 1 ? 'missing value and type' : 'missing value');
  if (colon === 0) return bad('empty metric name');
  if (fields.length === 1) return bad('missing type');
  const typeField = fields[1] as string;
  const type = TYPES.get(typeField);
  if (type === undefined) return bad(typeField === '' ? 'missing type' : 'unknown metric type');
  let rate = 1;
  let tags = '';
  let timestamp = 0;
  let containerId: string | undefined;
  for (let i = 2; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f.startsWith('@')) {
      rate = parseNumber(f.slice(1));
      if (!(rate > 0 && rate <= 1)) return bad('invalid sample rate');
    } else if (f.startsWith('#')) tags = f.slice(1);
    else if (f.startsWith('c:')) containerId = f.slice(2);
    else if (f.startsWith('T')) {
      timestamp = parseNumber(f.slice(1));
      if (!(timestamp > 0) || !Number.isInteger(timestamp)) return bad('invalid timestamp');
    }
  }
  const name = head.slice(0, colon);
  const valueText = head.slice(colon + 1);
  const values: number[] = [];
  // A set's member is its whole value text, colons included.
  if (type === 'set') {
    if (valueText === '') return bad('empty value');
    return { kind: 'metric', name, type, values, member: valueText, rate, tags, timestamp, containerId };
  }
  for (const text of valueText.split(':')) {
    if (text === '') continue;
    const v = parseNumber(text);
    if (!Number.isFinite(v)) return bad(Number.isNaN(v) ? 'invalid value' : 'non-finite value');
    if (values.length === MAX_VALUES) return bad('too many values');
    values.push(v);
  }
  if (values.length === 0) return bad('empty value');
  return { kind: 'metric', name, type, values, member: undefined, rate, tags, timestamp, containerId };
}

const positiveInteger = (text: string): number | undefined => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** `_e{<title length>,<text length>}:<title>|<text>|d:…|h:…|k:…|p:…|s:…|t:…|#tags` */
function parseEvent(line: string): ParsedLine {
  const header = /^_e\{(\d+),(\d+)\}:/.exec(line);
  if (!header) return bad('invalid event header');
  const titleLen = Number(header[1]);
  const textLen = Number(header[2]);
  const body = line.slice(header[0].length);
  // The lengths are bytes for the Agent; hot-shots writes JS string lengths (UTF-16 units).
  const split = splitByBytes(body, titleLen, textLen) ?? splitByUnits(body, titleLen, textLen);
  if (!split) return bad('event lengths do not match title and text');
  const [title, text, rest] = split;
  if (title.length === 0) return bad('empty event title');
  let date: number | undefined;
  let host: string | undefined;
  let aggregationKey: string | undefined;
  let priority: IntakeEvent['priority'] = 'normal';
  let source: string | undefined;
  let alertType: IntakeEvent['alert_type'] = 'info';
  let tags: string[] = [];
  for (const field of rest.split('|')) {
    const value = field.slice(2);
    if (field.startsWith('d:')) date = positiveInteger(value) ?? date;
    else if (field.startsWith('h:')) host = value;
    else if (field.startsWith('k:')) aggregationKey = value;
    else if (field.startsWith('p:')) priority = value === 'low' ? 'low' : 'normal';
    else if (field.startsWith('s:')) source = value;
    else if (field.startsWith('t:')) {
      if (value === 'error' || value === 'warning' || value === 'success' || value === 'info')
        alertType = value;
    } else if (field.startsWith('#')) tags = field.slice(1).split(',').filter(Boolean);
  }
  return {
    kind: 'event',
    event: {
      title,
      text: text.replaceAll('\\n', '\n'),
      date_happened: date,
      host,
      aggregation_key: aggregationKey,
      priority,
      source_type_name: source,
      alert_type: alertType,
      tags,
    },
  };
}

/** Title, text and the fields after them, when the lengths are UTF-8 bytes. */
function splitByBytes(body: string, titleLen: number, textLen: number): [string, string, string] | undefined {
  const bytes = Buffer.from(body);
  const end = titleLen + 1 + textLen;
  if (end > bytes.length || bytes[titleLen] !== 0x7c || (end < bytes.length && bytes[end] !== 0x7c))
    return undefined;
  return [
    bytes.toString('utf8', 0, titleLen),
    bytes.toString('utf8', titleLen + 1, end),
    bytes.toString('utf8', end),
  ];
}

/** Title, text and the fields after them, when the lengths are UTF-16 code units. */
function splitByUnits(body: string, titleLen: number, textLen: number): [string, string, string] | undefined {
  const end = titleLen + 1 + textLen;
  if (body.length < end || body[titleLen] !== '|' || (body.length > end && body[end] !== '|'))
    return undefined;
  return [body.slice(0, titleLen), body.slice(titleLen + 1, end), body.slice(end)];
}

/** `_sc|<name>|<status>|d:…|h:…|#tags|m:<message>` */
function parseServiceCheck(line: string): ParsedLine {
  const parts = line.split('|');
  const name = parts[1] ?? '';
  if (name.length === 0) return bad('empty service check name');
  const status = parts[2];
  if (status !== '0' && status !== '1' && status !== '2' && status !== '3')
    return bad('invalid service check status');
  let timestamp: number | undefined;
  let host: string | undefined;
  let tags: string[] = [];
  let message: string | undefined;
  for (const field of parts.slice(3)) {
    if (field.startsWith('d:')) timestamp = positiveInteger(field.slice(2)) ?? timestamp;
    else if (field.startsWith('h:')) host = field.slice(2);
    else if (field.startsWith('#')) tags = field.slice(1).split(',').filter(Boolean);
    else if (field.startsWith('m:')) message = field.slice(2);
  }
  return {
    kind: 'service_check',
    check: {
      check: name,
      status: Number(status) as ServiceCheck['status'],
      timestamp,
      host_name: host,
      tags,
      message,
    },
  };
}

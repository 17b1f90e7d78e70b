// The v0.4 and v0.5 trace payload decoder: dd-trace's msgpack bodies straight into compact span
// columns (DecodedBatch, laid out as trace-span.ts says), and back to Span objects. The byte
// cursor, its msgpack primitives, the string interning tables and the span decoding stay in this
// one module on purpose: the cursor is module state, and V8 keeps a module's own variables in
// context slots but an exported `let` in a Cell that every access goes through. With the cursor
// and primitives in a module of their own (read as live bindings, or through small functions),
// decoding the captured dd-trace payloads took about 10% more CPU.

import { IdleRelease } from '../idle-release.ts';
import {
  childOf,
  dataViewOf,
  entryOf,
  type KeyEntry,
  type KeyNode,
  type KeySet,
  keySetOfNode,
  keySets,
  ROOT,
} from './keys.ts';
import { fail, idText, SPAN_NUMS, SPAN_STRS, type Span, spanObject } from './span.ts';

// The Agent's normaliser defaults (pkg/trace/traceutil/normalize.go).
const DEFAULT_SERVICE = 'unnamed-service';
const DEFAULT_NAME = 'unnamed_operation';

// ---------------------------------------------------------------------------------------------
// Decoded spans, column by column: the decoder's output, reused from body to body (valid until
// the next decode).

export interface DecodedBatch {
  /** Number of spans and of chunks (the payload's traces). */
  spans: number;
  chunks: number;
  /** Per chunk: the index after its last span. */
  readonly chunkEnd: number[];
  /** Per span: trace id high and low 32 bits. */
  readonly traceHi: number[];
  readonly traceLo: number[];
  /** Per span (and one past the last): where its values start in nums and strs. */
  readonly numAt: number[];
  readonly strAt: number[];
  readonly nums: number[];
  readonly strs: string[];
}

const batch: DecodedBatch = {
  spans: 0,
  chunks: 0,
  chunkEnd: [],
  traceHi: [],
  traceLo: [],
  numAt: [0],
  strAt: [0],
  // Starts as a double array (an unboxed store; small integers would make it a Smi array first).
  nums: [0.5],
  strs: [],
};

// ---------------------------------------------------------------------------------------------
// The reader: module state over the body being decoded.

/** Node's Buffer has utf8Slice (what toString('utf8', a, b) calls), missing from its typings. */
type RawBuffer = Buffer & { utf8Slice(start: number, end: number): string };
let buf = Buffer.alloc(0) as RawBuffer;
let view = new DataView(buf.buffer);
let pos = 0;
let end = 0;
let nums: number[] = batch.nums;
let strs: string[] = batch.strs;
let nLen = 0;
let sLen = 0;
let traceNo = 0;
let spanNo = 0;
// Ids read by readId.
let idHi = 0;
let idLo = 0;

function where(): string {
  return `trace ${traceNo} span ${spanNo}`;
}

function truncated(): never {
  fail(`body is not valid msgpack: truncated at byte ${end} (a value needs more bytes)`);
}

function need(n: number): void {
  if (pos + n > end) truncated();
}

function u8(): number {
  if (pos >= end) truncated();
  return buf[pos++] as number;
}

function u16(): number {
  need(2);
  const v = view.getUint16(pos);
  pos += 2;
  return v;
}

function u32(): number {
  need(4);
  const v = view.getUint32(pos);
  pos += 4;
  return v;
}

/**
 * Reads an array (fix 0x90, 0xdc, 0xdd) or map (fix 0x80, 0xde, 0xdf) header: its count; -1 when
 * the value is something else (nothing consumed).
 */
function containerHeader(fix: number, op16: number): number {
  if (pos >= end) truncated();
  const b = buf[pos] as number;
  if ((b & 0xf0) === fix) {
    pos++;
    return b & 0x0f;
  }
  if (b === op16) {
    pos++;
    return u16();
  }
  if (b === op16 + 1) {
    pos++;
    return u32();
  }
  return -1;
}

const arrayHeader = (): number => containerHeader(0x90, 0xdc);
const mapHeader = (): number => containerHeader(0x80, 0xde);

/** Reads a string header and checks its bytes are there; -1 when not a string. */
function strHeader(): number {
  if (pos >= end) truncated();
  const b = buf[pos] as number;
  let len: number;
  if (b >= 0xa0 && b <= 0xbf) {
    pos++;
    len = b & 0x1f;
  } else if (b === 0xd9) {
    pos++;
    len = u8();
  } else if (b === 0xda) {
    pos++;
    len = u16();
  } else if (b === 0xdb) {
    pos++;
    len = u32();
  } else return -1;
  need(len);
  return len;
}

function isNil(): boolean {
  if (pos >= end) truncated();
  if (buf[pos] !== 0xc0) return false;
  pos++;
  return true;
}

function typeName(b: number): string {
  if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) return 'an integer';
  if (b <= 0x8f || b === 0xde || b === 0xdf) return 'a map';
  if (b <= 0x9f || b === 0xdc || b === 0xdd) return 'an array';
  if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb)) return 'a string';
  if (b === 0xc0) return 'nil';
  if (b === 0xc2 || b === 0xc3) return 'a boolean';
  if (b === 0xca || b === 0xcb) return 'a float';
  if (b >= 0xc4 && b <= 0xc6) return 'binary';
  if (b === 0xc1) return 'the unused byte 0xc1';
  return 'an extension';
}

function wrongType(what: string, expected: string): never {
  const b = pos < end ? (buf[pos] as number) : -1;
  fail(`${what} is not ${expected} (found ${b < 0 ? 'nothing' : typeName(b)} at byte ${pos})`);
}

/** Skips any one value (unknown span fields), nesting at most 100 deep. */
function skip(depth: number): void {
  if (depth > 100) fail(`body is not valid msgpack: nested more than 100 deep at byte ${pos}`);
  const b = u8();
  if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return;
  let items = 0;
  let bytes = 0;
  if (b <= 0x8f) items = (b & 0x0f) * 2;
  else if (b <= 0x9f) items = b & 0x0f;
  else if (b <= 0xbf) bytes = b & 0x1f;
  else {
    switch (b) {
      case 0xc4:
      case 0xd9:
        bytes = u8();
        break;
      case 0xc5:
      case 0xda:
        bytes = u16();
        break;
      case 0xc6:
      case 0xdb:
        bytes = u32();
        break;
      case 0xc7:
        bytes = u8() + 1;
        break;
      case 0xc8:
        bytes = u16() + 1;
        break;
      case 0xc9:
        bytes = u32() + 1;
        break;
      case 0xcc:
      case 0xd0:
        bytes = 1;
        break;
      case 0xcd:
      case 0xd1:
        bytes = 2;
        break;
      case 0xca:
      case 0xce:
      case 0xd2:
        bytes = 4;
        break;
      case 0xcb:
      case 0xcf:
      case 0xd3:
        bytes = 8;
        break;
      case 0xd4:
        bytes = 2;
        break;
      case 0xd5:
        bytes = 3;
        break;
      case 0xd6:
        bytes = 5;
        break;
      case 0xd7:
        bytes = 9;
        break;
      case 0xd8:
        bytes = 17;
        break;
      case 0xdc:
        items = u16();
        break;
      case 0xdd:
        items = u32();
        break;
      case 0xde:
        items = u16() * 2;
        break;
      case 0xdf:
        items = u32() * 2;
        break;
      default:
        fail(`body is not valid msgpack: 0xc1 (never used) at byte ${pos - 1}`);
    }
  }
  need(bytes);
  pos += bytes;
  for (let i = 0; i < items; i++) skip(depth + 1);
}

/** Sets idHi, idLo from an integer (or an integral float), as the unsigned 64-bit id it encodes. */
function readId(what: string): void {
  if (pos >= end) truncated();
  const b = buf[pos] as number;
  if (b <= 0x7f) {
    pos++;
    idHi = 0;
    idLo = b;
    return;
  }
  if (b === 0xcf || b === 0xd3) {
    pos++;
    need(8);
    idHi = view.getUint32(pos);
    idLo = view.getUint32(pos + 4);
    pos += 8;
    return;
  }
  let v: number;
  switch (b) {
    case 0xcc:
      pos++;
      v = u8();
      break;
    case 0xcd:
      pos++;
      v = u16();
      break;
    case 0xce:
      pos++;
      v = u32();
      break;
    case 0xd0:
      pos++;
      need(1);
      v = view.getInt8(pos++);
      break;
    case 0xd1:
      pos++;
      need(2);
      v = view.getInt16(pos);
      pos += 2;
      break;
    case 0xd2:
      pos++;
      need(4);
      v = view.getInt32(pos);
      pos += 4;
      break;
    case 0xca:
      pos++;
      need(4);
      v = view.getFloat32(pos);
      pos += 4;
      break;
    case 0xcb:
      pos++;
      need(8);
      v = view.getFloat64(pos);
      pos += 8;
      break;
    default:
      if (b >= 0xe0) {
        pos++;
        v = b - 256;
        break;
      }
      wrongType(`${where()}: ${what}`, 'a 64-bit integer');
  }
  if (!Number.isSafeInteger(v)) fail(`${where()}: ${what} is not a 64-bit integer (${v})`);
  // Negative ids are the two's complement of an unsigned one (what a signed 64-bit field holds).
  const u = Math.abs(v);
  let hi = Math.floor(u / 4294967296);
  let lo = u - hi * 4294967296;
  if (v < 0) {
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  idHi = hi;
  idLo = lo;
}

/** Reads a number (any integer or float; 64-bit integers rounded to the nearest double). */
/** `key`: the metrics key the number is the value of (named in the error). */
function readNumber(what: string, nilIsZero: boolean, key?: KeyEntry): number {
  if (pos >= end) truncated();
  const b = buf[pos] as number;
  if (b <= 0x7f) {
    pos++;
    return b;
  }
  if (b >= 0xe0) {
    pos++;
    return b - 256;
  }
  pos++;
  let v: number;
  switch (b) {
    case 0xcb:
      need(8);
      v = view.getFloat64(pos);
      pos += 8;
      return v;
    case 0xcf:
      need(8);
      // hi * 2^32 is exact; adding lo rounds once, as Number(BigInt) does.
      v = view.getUint32(pos) * 4294967296 + view.getUint32(pos + 4);
      pos += 8;
      return v;
    case 0xd3:
      need(8);
      v = view.getInt32(pos) * 4294967296 + view.getUint32(pos + 4);
      pos += 8;
      return v;
    case 0xcc:
      return u8();
    case 0xcd:
      return u16();
    case 0xce:
      return u32();
    case 0xd0:
      need(1);
      return view.getInt8(pos++);
    case 0xd1:
      need(2);
      v = view.getInt16(pos);
      pos += 2;
      return v;
    case 0xd2:
      need(4);
      v = view.getInt32(pos);
      pos += 4;
      return v;
    case 0xca:
      need(4);
      v = view.getFloat32(pos);
      pos += 4;
      return v;
    case 0xc0:
      if (nilIsZero) return 0;
  }
  pos--;
  return wrongType(`${where()}: ${key === undefined ? what : `metrics.${key.str}`}`, 'a number');
}

/** Whether the len bytes of the body at `at` are those of `a` (at least len long). */
function bytesEqual(a: DataView, at: number, len: number): boolean {
  let i = 0;
  for (const n4 = len - 3; i < n4; i += 4) if (a.getInt32(i) !== view.getInt32(at + i)) return false;
  for (; i < len; i++) if (a.getUint8(i) !== buf[at + i]) return false;
  return true;
}

function text(at: number, len: number): string {
  if (len === 0) return '';
  // Short ASCII strings are cheaper to build in JS (one fromCharCode) than through a native call.
  if (len > 8) return buf.utf8Slice(at, at + len);
  for (let i = at; i < at + len; i++) if ((buf[i] as number) >= 0x80) return buf.utf8Slice(at, at + len);
  const b = buf;
  const c = String.fromCharCode;
  switch (len) {
    case 1:
      return c(b[at] as number);
    case 2:
      return c(b[at] as number, b[at + 1] as number);
    case 3:
      return c(b[at] as number, b[at + 1] as number, b[at + 2] as number);
    case 4:
      return c(b[at] as number, b[at + 1] as number, b[at + 2] as number, b[at + 3] as number);
    case 5:
      return c(
        b[at] as number,
        b[at + 1] as number,
        b[at + 2] as number,
        b[at + 3] as number,
        b[at + 4] as number,
      );
    case 6:
      return c(
        b[at] as number,
        b[at + 1] as number,
        b[at + 2] as number,
        b[at + 3] as number,
        b[at + 4] as number,
        b[at + 5] as number,
      );
    case 7:
      return c(
        b[at] as number,
        b[at + 1] as number,
        b[at + 2] as number,
        b[at + 3] as number,
        b[at + 4] as number,
        b[at + 5] as number,
        b[at + 6] as number,
      );
    default:
      return c(
        b[at] as number,
        b[at + 1] as number,
        b[at + 2] as number,
        b[at + 3] as number,
        b[at + 4] as number,
        b[at + 5] as number,
        b[at + 6] as number,
        b[at + 7] as number,
      );
  }
}

// Strings that repeat (names, services, resources, types, map keys): a table from the raw bytes
// to the string, so a known one costs a hash and a compare, no new string. Bounded: cleared when
// half full.
const TABLE_BITS = 13;
const TABLE_SIZE = 1 << TABLE_BITS;
const MAX_INTERNED = 128;
const tableBytes: (DataView | undefined)[] = new Array(TABLE_SIZE).fill(undefined);
const tableStrs: string[] = new Array(TABLE_SIZE).fill('');
const tableKeys: (KeyEntry | undefined)[] = new Array(TABLE_SIZE).fill(undefined);
let tableUsed = 0;

function hashOf(at: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  let i = at;
  for (const n4 = at + len - 3; i < n4; i += 4) h = Math.imul(h ^ view.getInt32(i), 0x01000193);
  for (; i < at + len; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return (h ^ (h >>> 15)) & (TABLE_SIZE - 1);
}

function slotOf(at: number, len: number): number {
  let i = hashOf(at, len);
  for (;;) {
    const b = tableBytes[i];
    if (b === undefined || (b.byteLength === len && bytesEqual(b, at, len))) return i;
    i = (i + 1) & (TABLE_SIZE - 1);
  }
}

function fillSlot(i: number, at: number, len: number, s: string): number {
  if (tableUsed >= TABLE_SIZE / 2) {
    tableBytes.fill(undefined);
    tableKeys.fill(undefined);
    tableUsed = 0;
    i = slotOf(at, len);
  }
  const copy = new Uint8Array(len); // a copy: a view would keep the whole body alive
  for (let k = 0; k < len; k++) copy[k] = buf[at + k] as number;
  tableBytes[i] = dataViewOf(copy);
  tableStrs[i] = s;
  tableUsed++;
  return i;
}

function internText(at: number, len: number): string {
  if (len > MAX_INTERNED) return buf.utf8Slice(at, at + len);
  if (len === 0) return '';
  let i = slotOf(at, len);
  if (tableBytes[i] === undefined) i = fillSlot(i, at, len, text(at, len));
  return tableStrs[i] as string;
}

function keyEntryAt(at: number, len: number): KeyEntry {
  let i = slotOf(at, len);
  if (tableBytes[i] === undefined) i = fillSlot(i, at, len, text(at, len));
  let e = tableKeys[i];
  if (e === undefined) {
    e = entryOf(tableStrs[i] as string);
    tableKeys[i] = e;
  }
  return e;
}

/** The child of `node` for the key at pos (length len): first by bytes among its listed children. */
function childAt(node: KeyNode, len: number): KeyNode {
  const children = node.children;
  for (let c = 0; c < children.length; c++) {
    const child = children[c] as KeyNode;
    const b = (child.entry as KeyEntry).bytes;
    if (b.byteLength === len && bytesEqual(b, pos, len)) return child;
  }
  return childOf(node, keyEntryAt(pos, len));
}

// Values up to this long are cached (dd-trace's _dd.tags.process, ~100 bytes, is the same on
// every chunk's first span: a new string each time was ~40 B of heap per span).
const VALUE_CACHE_BYTES = 512;

/** A meta value: the key's last value when the bytes are the same. */
function valueText(e: KeyEntry, len: number): string {
  const at = pos;
  if (e.valueLength === len) {
    const vb = e.valueBytes as DataView;
    if (bytesEqual(vb, at, len)) {
      e.hits++;
      return e.value;
    }
  }
  const s = text(at, len);
  if (len <= VALUE_CACHE_BYTES && (e.misses < 64 || e.hits * 4 > e.misses)) {
    e.misses++;
    let vb = e.valueBytes;
    if (vb === undefined || vb.byteLength < len) {
      vb = new DataView(new ArrayBuffer(len <= 64 ? 64 : VALUE_CACHE_BYTES));
      e.valueBytes = vb;
    }
    for (let i = 0; i < len; i++) vb.setUint8(i, buf[at + i] as number);
    e.valueLength = len;
    e.value = s;
  }
  return s;
}

/** meta (a map of strings) into strs from sLen; answers its key set. */
function readMeta(): number {
  if (isNil()) return 0;
  const n = mapHeader();
  if (n < 0) wrongType(`${where()}: meta`, 'a map');
  let node = ROOT;
  for (let i = 0; i < n; i++) {
    const klen = strHeader();
    if (klen < 0) wrongType(`${where()}: a meta key`, 'a string');
    node = childAt(node, klen);
    pos += klen;
    const vlen = strHeader();
    if (vlen < 0) wrongType(`${where()}: meta.${(node.entry as KeyEntry).str}`, 'a string');
    strs[sLen++] = valueText(node.entry as KeyEntry, vlen);
    pos += vlen;
  }
  return node.keySet >= 0 ? node.keySet : keySetOfNode(node);
}

/** metrics (a map of numbers) into nums from nLen; answers its key set. */
function readMetrics(nilIsZero: boolean): number {
  if (isNil()) return 0;
  const n = mapHeader();
  if (n < 0) wrongType(`${where()}: metrics`, 'a map');
  let node = ROOT;
  for (let i = 0; i < n; i++) {
    const klen = strHeader();
    if (klen < 0) wrongType(`${where()}: a metrics key`, 'a string');
    node = childAt(node, klen);
    pos += klen;
    nums[nLen++] = readNumber('', nilIsZero, node.entry);
  }
  return node.keySet >= 0 ? node.keySet : keySetOfNode(node);
}

/** A string field (name, service, resource, type); undefined for nil. */
function readField(what: string): string | undefined {
  if (isNil()) return undefined;
  const len = strHeader();
  if (len < 0) wrongType(`${where()}: ${what}`, 'a string');
  const s = internText(pos, len);
  pos += len;
  return s;
}

// Span field names, as bytes compared in place.
const F = (s: string) => dataViewOf(Buffer.from(s, 'latin1'));
const K_TYPE = F('type');
const K_NAME = F('name');
const K_META = F('meta');
const K_START = F('start');
const K_ERROR = F('error');
const K_SERVICE = F('service');
const K_METRICS = F('metrics');
const K_SPAN_ID = F('span_id');
const K_TRACE_ID = F('trace_id');
const K_RESOURCE = F('resource');
const K_DURATION = F('duration');
const K_PARENT_ID = F('parent_id');

const FIELD = {
  other: 0,
  type: 1,
  name: 2,
  meta: 3,
  start: 4,
  error: 5,
  service: 6,
  metrics: 7,
  spanId: 8,
  traceId: 9,
  resource: 10,
  duration: 11,
  parentId: 12,
} as const;

function fieldOf(len: number): number {
  const c = buf[pos];
  switch (len) {
    case 4:
      if (c === 0x74) return bytesEqual(K_TYPE, pos, 4) ? FIELD.type : 0;
      if (c === 0x6e) return bytesEqual(K_NAME, pos, 4) ? FIELD.name : 0;
      if (c === 0x6d) return bytesEqual(K_META, pos, 4) ? FIELD.meta : 0;
      return 0;
    case 5:
      if (c === 0x73) return bytesEqual(K_START, pos, 5) ? FIELD.start : 0;
      if (c === 0x65) return bytesEqual(K_ERROR, pos, 5) ? FIELD.error : 0;
      return 0;
    case 7:
      if (c === 0x73) {
        if (bytesEqual(K_SERVICE, pos, 7)) return FIELD.service;
        return bytesEqual(K_SPAN_ID, pos, 7) ? FIELD.spanId : 0;
      }
      if (c === 0x6d) return bytesEqual(K_METRICS, pos, 7) ? FIELD.metrics : 0;
      return 0;
    case 8:
      if (c === 0x74) return bytesEqual(K_TRACE_ID, pos, 8) ? FIELD.traceId : 0;
      if (c === 0x72) return bytesEqual(K_RESOURCE, pos, 8) ? FIELD.resource : 0;
      if (c === 0x64) return bytesEqual(K_DURATION, pos, 8) ? FIELD.duration : 0;
      return 0;
    case 9:
      return bytesEqual(K_PARENT_ID, pos, 9) ? FIELD.parentId : 0;
  }
  return 0;
}

/** Reserves the fixed slots of the next span in nums and strs. */
function beginSpan(): void {
  const n = nLen;
  nums[n] = 0;
  nums[n + 1] = 0;
  nums[n + 2] = 0;
  nums[n + 3] = 0;
  nums[n + 4] = 0;
  nums[n + 5] = 0;
  nums[n + 6] = 0;
  nums[n + 7] = 0;
  nums[n + 8] = 0;
  nLen = n + SPAN_NUMS;
  sLen += SPAN_STRS;
}

function endSpan(
  ss: number,
  name: string | undefined,
  service: string | undefined,
  resource: string | undefined,
  type: string | undefined,
): void {
  const n = name || DEFAULT_NAME;
  strs[ss] = n;
  strs[ss + 1] = service || DEFAULT_SERVICE;
  strs[ss + 2] = resource || n;
  strs[ss + 3] = type ?? '';
  const k = ++batch.spans;
  batch.numAt[k] = nLen;
  batch.strAt[k] = sLen;
}

function spanV04(): void {
  const n = mapHeader();
  if (n < 0) wrongType(where(), 'a map');
  const ns = nLen;
  const ss = sLen;
  beginSpan();
  let name: string | undefined;
  let service: string | undefined;
  let resource: string | undefined;
  let type: string | undefined;
  let hasTrace = false;
  let hasSpan = false;
  for (let i = 0; i < n; i++) {
    const klen = strHeader();
    if (klen < 0) wrongType(`${where()}: a field name`, 'a string');
    const field = fieldOf(klen);
    pos += klen;
    switch (field) {
      case FIELD.traceId:
        readId('trace_id');
        batch.traceHi[batch.spans] = idHi;
        batch.traceLo[batch.spans] = idLo;
        hasTrace = true;
        break;
      case FIELD.spanId:
        readId('span_id');
        nums[ns] = idHi;
        nums[ns + 1] = idLo;
        hasSpan = true;
        break;
      case FIELD.parentId:
        if (isNil()) {
          idHi = 0;
          idLo = 0;
        } else readId('parent_id');
        nums[ns + 2] = idHi;
        nums[ns + 3] = idLo;
        break;
      case FIELD.name:
        name = readField('name');
        break;
      case FIELD.service:
        service = readField('service');
        break;
      case FIELD.resource:
        resource = readField('resource');
        break;
      case FIELD.type:
        type = readField('type');
        break;
      case FIELD.error:
        nums[ns + 4] = readNumber('error', true) ? 1 : 0;
        break;
      case FIELD.start:
        nums[ns + 5] = readNumber('start', true);
        break;
      case FIELD.duration:
        nums[ns + 6] = readNumber('duration', true);
        break;
      case FIELD.meta:
        sLen = ss + SPAN_STRS;
        nums[ns + 7] = readMeta();
        break;
      case FIELD.metrics: {
        // The metric values follow the fixed slots; a repeated metrics field replaces them.
        nLen = ns + SPAN_NUMS;
        nums[ns + 8] = readMetrics(false);
        break;
      }
      default:
        skip(0);
    }
  }
  if (!hasTrace) fail(`${where()}: trace_id is missing`);
  if (!hasSpan) fail(`${where()}: span_id is missing`);
  endSpan(ss, name, service, resource, type);
}

function begin(body: Uint8Array): void {
  buf = (
    Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  ) as RawBuffer;
  view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  pos = 0;
  end = buf.length;
  nums = batch.nums;
  strs = batch.strs;
  nLen = 0;
  sLen = 0;
  batch.spans = 0;
  batch.chunks = 0;
  traceNo = 0;
  spanNo = 0;
}

const NO_BODY = Buffer.alloc(0) as RawBuffer;

// The batch's arrays grow to the largest body's spans (~4 MB of JS heap for dd-trace's 10,000-span
// bodies) and are reused; 10 s without a decode (as the intake's body pool) lets them go.
const SCRATCH_IDLE_MS = 10_000;
const scratchIdle = new IdleRelease(SCRATCH_IDLE_MS, () => {
  // Emptied in place: each array keeps its elements kind (nums stays an unboxed double array).
  batch.strs.length = 0;
  batch.nums.length = 0;
  batch.traceHi.length = 0;
  batch.traceLo.length = 0;
  batch.chunkEnd.length = 0;
  batch.numAt.length = 1;
  batch.strAt.length = 1;
  batch.spans = 0;
  batch.chunks = 0;
});

/** Decodes a body with `read`, checks nothing follows, and lets go of the body whatever happens. */
function decodeWith(body: Uint8Array, read: () => void): DecodedBatch {
  scratchIdle.touch();
  begin(body);
  try {
    read();
    if (pos !== end)
      fail(`body is not valid msgpack: ${end - pos} trailing bytes after the value at byte ${pos}`);
    return batch;
  } finally {
    buf = NO_BODY;
    view = new DataView(NO_BODY.buffer);
  }
}

/**
 * Decodes a /v0.4/traces body (an array of traces, each an array of span maps) into the batch's
 * columns. Throws TraceDecodeError naming the problem; nothing of a bad body is kept.
 */
export function decodeV04Columns(body: Uint8Array): DecodedBatch {
  return decodeWith(body, readV04);
}

function readV04(): void {
  const traces = arrayHeader();
  if (traces < 0) wrongType('body', 'an array of traces');
  for (traceNo = 0; traceNo < traces; traceNo++) {
    const spans = arrayHeader();
    if (spans < 0) wrongType(`trace ${traceNo}`, 'an array of spans');
    for (spanNo = 0; spanNo < spans; spanNo++) spanV04();
    batch.chunkEnd[batch.chunks++] = batch.spans;
  }
}

/** Decodes a /v0.5/traces body ([string table, traces of 12-element span arrays]) into columns. */
export function decodeV05Columns(body: Uint8Array): DecodedBatch {
  return decodeWith(body, readV05);
}

function readV05(): void {
  if (arrayHeader() !== 2) fail('body is not [string table, traces]');
  const count = arrayHeader();
  if (count < 0) fail('body is not [string table, traces]: the string table is not an array');
  const table: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = strHeader();
    if (len < 0) wrongType(`string table entry ${i}`, 'a string');
    table.push(internText(pos, len));
    pos += len;
  }
  const tableKeys: (KeyEntry | undefined)[] = [];
  const index = (what: string): number => {
    const at = pos;
    const i = readNumber(what, false);
    if (!Number.isInteger(i) || i < 0 || i >= table.length) {
      pos = at;
      wrongType(`${where()}: ${what}`, `an index of the ${table.length}-string table`);
    }
    return i;
  };
  const str = (what: string) => table[index(what)] as string;
  const key = (what: string) => {
    // A map key may also come as the index's decimal string (encoders that write maps from
    // JS objects do that).
    const len = strHeader();
    let i: number;
    if (len >= 0) {
      const at = pos;
      pos += len;
      const digits = text(at, len);
      i = len > 0 && len < 10 && /^\d+$/.test(digits) ? Number(digits) : -1;
      if (!Number.isInteger(i) || i < 0 || i >= table.length) {
        pos = at;
        fail(`${where()}: ${what} is not an index of the ${table.length}-string table`);
      }
    } else i = index(what);
    let e = tableKeys[i];
    if (e === undefined) {
      e = entryOf(table[i] as string);
      tableKeys[i] = e;
    }
    return e;
  };
  const traces = arrayHeader();
  if (traces < 0) fail('body is not [string table, traces]: traces is not an array');
  for (traceNo = 0; traceNo < traces; traceNo++) {
    const spans = arrayHeader();
    if (spans < 0) wrongType(`trace ${traceNo}`, 'an array of spans');
    for (spanNo = 0; spanNo < spans; spanNo++) {
      const fields = arrayHeader();
      if (fields < 11) fail(`${where()} is not a 12-element array`);
      const ns = nLen;
      const ss = sLen;
      beginSpan();
      const service = str('service');
      const name = str('name');
      const resource = str('resource');
      readId('trace_id');
      batch.traceHi[batch.spans] = idHi;
      batch.traceLo[batch.spans] = idLo;
      readId('span_id');
      nums[ns] = idHi;
      nums[ns + 1] = idLo;
      if (isNil()) {
        idHi = 0;
        idLo = 0;
      } else readId('parent_id');
      nums[ns + 2] = idHi;
      nums[ns + 3] = idLo;
      nums[ns + 5] = readNumber('start', true);
      nums[ns + 6] = readNumber('duration', true);
      nums[ns + 4] = readNumber('error', true) ? 1 : 0;
      let node = ROOT;
      if (!isNil()) {
        const n = mapHeader();
        if (n < 0) wrongType(`${where()}: meta`, 'a map');
        for (let i = 0; i < n; i++) {
          node = childOf(node, key('meta key'));
          strs[sLen++] = str('meta value');
        }
      }
      nums[ns + 7] = keySetOfNode(node);
      node = ROOT;
      if (!isNil()) {
        const n = mapHeader();
        if (n < 0) wrongType(`${where()}: metrics`, 'a map');
        for (let i = 0; i < n; i++) {
          node = childOf(node, key('metrics key'));
          nums[nLen++] = readNumber('metric value', true);
        }
      }
      nums[ns + 8] = keySetOfNode(node);
      const type = fields > 11 ? str('type') : '';
      for (let i = 12; i < fields; i++) skip(0);
      endSpan(ss, name, service, resource, type);
    }
    batch.chunkEnd[batch.chunks++] = batch.spans;
  }
}

// ---------------------------------------------------------------------------------------------
// Back to objects (routes, the console, tests).

/** The span whose values start at nums[n], strs[s]. */
function spanAt(
  traceId: string,
  nums: ArrayLike<number>,
  strs: readonly string[],
  n: number,
  s: number,
): Span {
  const scalars = {
    spanHi: nums[n] as number,
    spanLo: nums[n + 1] as number,
    parentHi: nums[n + 2] as number,
    parentLo: nums[n + 3] as number,
    error: nums[n + 4] as number,
    start: nums[n + 5] as number,
    duration: nums[n + 6] as number,
  };
  const metaKeys = (keySets[nums[n + 7] as number] as KeySet).keys;
  const metricKeys = (keySets[nums[n + 8] as number] as KeySet).keys;
  return spanObject(traceId, scalars, metaKeys, metricKeys, strs, s, nums, n + SPAN_NUMS);
}

/** The decoded spans as objects, trace by trace. */
export function spansOf(b: DecodedBatch): Span[][] {
  const out: Span[][] = [];
  let i = 0;
  for (let c = 0; c < b.chunks; c++) {
    const trace: Span[] = [];
    for (const e = b.chunkEnd[c] as number; i < e; i++)
      trace.push(
        spanAt(
          idText(b.traceHi[i] as number, b.traceLo[i] as number),
          b.nums,
          b.strs,
          b.numAt[i] as number,
          b.strAt[i] as number,
        ),
      );
    out.push(trace);
  }
  return out;
}

/** Decodes a /v0.4/traces body into Span objects. */
export function decodeV04(body: Uint8Array): Span[][] {
  return spansOf(decodeV04Columns(body));
}

/** Decodes a /v0.5/traces body into Span objects. */
export function decodeV05(body: Uint8Array): Span[][] {
  return spansOf(decodeV05Columns(body));
}

/**
 * What one payload repeats, kept once: tracers send the same ids (a trace's id in each of its
 * spans, a parent's id in its children), names, tag values and whole meta and metrics maps span
 * after span. One per body, dropped with it: a cache across payloads would keep the unique values
 * it sees (span ids, URLs) alive past their request, and V8 grows its young generation to make
 * room for what survives.
 */
export class Repeats {
  readonly #strings = new Map<string, string>();
  readonly #ids = new Map<bigint | number, string>();
  readonly #maps = new Map<string, object>();

  string(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  }

  /** The decimal of a 64-bit id, made once per id value. */
  id(v: bigint | number, decimal: (v: bigint | number) => string): string {
    let s = this.#ids.get(v);
    if (s === undefined) {
      s = decimal(v);
      this.#ids.set(v, s);
    }
    return s;
  }

  /** A meta or metrics map equal to one seen before in this payload (same fields, same order) is that one. */
  map<T extends Readonly<Record<string, string | number>>>(fields: T): T {
    // Each key and value spelled with its length and kind, so no two different maps share a key.
    let key = '';
    for (const k in fields) {
      const v = fields[k] as string | number;
      const text = typeof v === 'string' ? v : Object.is(v, -0) ? '-0' : String(v);
      key += `${k.length}:${k}${typeof v === 'string' ? 's' : 'n'}${text.length}:${text}`;
    }
    const known = this.#maps.get(key);
    if (known !== undefined) return known as T;
    this.#maps.set(key, fields);
    return fields;
  }
}

import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { MergeMode, SeriesType } from './series.ts';
import { type CompactSketch, sketchFromJson, sketchToJson } from './sketch.ts';
import type { MetricStore } from './store.ts';

/** Receives every write of the store, in order. */
export interface Journal {
  point(
    metric: string,
    tags: readonly string[],
    type: SeriesType,
    interval: number,
    time: number,
    value: number,
    mode: MergeMode,
  ): void;
  sketch(metric: string, tags: readonly string[], time: number, sketch: CompactSketch): void;
}

const SNAPSHOT = 'snapshot.jsonl';
/**
 * Files are read and written this much at a time: 24 h of the demo's metrics make a ~60 MB
 * snapshot, which as one string (and its lines) took ~250 MB of RSS at each snapshot and start.
 * 64 KB, not 1 MB: lines held for a 1 MB write outlive the 2 MB young generation and grew the
 * old one (+14-20 MB of RSS left after each snapshot, against +1-2 MB).
 */
const IO_CHUNK = 1 << 16;

/** Calls `fn` with each line of a file, reading it a chunk at a time. */
function forEachLine(path: string, fn: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(IO_CHUNK);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, IO_CHUNK, null);
      if (n === 0) break;
      const text = rest + decoder.write(buf.subarray(0, n));
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        fn(text.slice(from, nl));
        from = nl + 1;
      }
      rest = text.slice(from);
    }
    rest += decoder.end();
    if (rest.length > 0) fn(rest);
  } finally {
    closeSync(fd);
  }
}

/** Writes lines to a file, a chunk at a time. */
class LineWriter {
  readonly #fd: number;
  #batch: string[] = [];
  #size = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  line(text: string): void {
    this.#batch.push(text);
    this.#size += text.length + 1;
    if (this.#size >= IO_CHUNK) this.#flush();
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    writeSync(this.#fd, `${this.#batch.join('\n')}\n`);
    this.#batch = [];
    this.#size = 0;
  }

  close(): void {
    try {
      this.#flush();
    } finally {
      closeSync(this.#fd);
    }
  }
}
const journalName = (generation: number) => `journal-${String(generation).padStart(8, '0')}.jsonl`;

/**
 * Metric persistence as a write-ahead journal plus snapshots, in `<dataDir>/metrics/`.
 * Every write is buffered; commit() appends the buffer synchronously (called after each flush
 * and each series request), so a kill -9 loses at most the bucket being aggregated. snapshot()
 * writes the whole store to a new file, renames it into place, and starts the next journal
 * generation; loading replays the snapshot and every journal of its generation or later, so a
 * crash at any step replays each write exactly once.
 */
export class Checkpoint implements Journal {
  readonly dir: string;
  #generation = 0;
  #pending: string[] = [];

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'metrics');
    mkdirSync(this.dir, { recursive: true });
  }

  point(
    metric: string,
    tags: readonly string[],
    type: SeriesType,
    interval: number,
    time: number,
    value: number,
    mode: MergeMode,
  ): void {
    this.#pending.push(JSON.stringify(['p', metric, tags, type, interval, time, value, mode]));
  }

  sketch(metric: string, tags: readonly string[], time: number, sketch: CompactSketch): void {
    this.#pending.push(JSON.stringify(['d', metric, tags, time, sketchToJson(sketch)]));
  }

  /** Appends the buffered writes to the journal (synchronously: durable against kill -9). */
  commit(): void {
    if (this.#pending.length === 0) return;
    const text = `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    appendFileSync(join(this.dir, journalName(this.#generation)), text);
  }

  /** Replays the snapshot and journals into `store` (points older than cutoff skipped); returns counts. */
  load(store: MetricStore, cutoff: number): { points: number; corrupt: number } {
    store.attachJournal(undefined);
    let points = 0;
    let corrupt = 0;
    let generation = 0;
    const apply = (line: string) => {
      if (line.length === 0) return;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        corrupt++; // a line cut by a crash mid-write
        return;
      }
      if (!Array.isArray(rec)) return;
      if (rec[0] === 'g') generation = Number(rec[1]) || 0;
      else if (rec[0] === 'p') {
        const [, metric, tags, type, interval, time, value, mode] = rec as [
          string,
          string,
          string[],
          SeriesType,
          number,
          number,
          number,
          MergeMode,
        ];
        if (time >= cutoff) {
          store.addPoint(metric, tags, type, interval, time, value, mode);
          points++;
        }
      } else if (rec[0] === 's') {
        const [, metric, tags, type, interval, times, values] = rec as [
          string,
          string,
          string[],
          SeriesType,
          number,
          number[],
          number[],
        ];
        for (let i = 0; i < times.length; i++) {
          if ((times[i] as number) < cutoff) continue;
          store.addPoint(metric, tags, type, interval, times[i] as number, values[i] as number, 'replace');
          points++;
        }
      } else if (rec[0] === 'd') {
        const [, metric, tags, time, json] = rec as [string, string, string[], number, unknown];
        const sketch = sketchFromJson(json);
        if (sketch && time >= cutoff) {
          store.addSketch(metric, tags, time, sketch);
          points++;
        }
      }
    };
    const snapshotPath = join(this.dir, SNAPSHOT);
    if (existsSync(snapshotPath)) forEachLine(snapshotPath, apply);
    const journals = readdirSync(this.dir)
      .filter((f) => /^journal-\d+\.jsonl$/.test(f))
      .sort();
    let last = generation;
    for (const file of journals) {
      const g = Number(file.slice(8, 16));
      if (g < generation) {
        rmSync(join(this.dir, file), { force: true });
        continue;
      }
      forEachLine(join(this.dir, file), apply);
      last = Math.max(last, g);
    }
    this.#generation = last;
    store.attachJournal(this);
    return { points, corrupt };
  }

  /** Writes the whole store as the new snapshot and moves on to a fresh journal. */
  snapshot(store: MetricStore): void {
    this.commit();
    const next = this.#generation + 1;
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    const out = new LineWriter(tmp);
    try {
      out.line(JSON.stringify(['g', next]));
      for (const s of store.allSeries()) {
        const w = s.window(0, 2 ** 32);
        out.line(
          JSON.stringify([
            's',
            s.metric,
            s.tags,
            s.type,
            s.interval,
            Array.from(w.times),
            Array.from(w.values),
          ]),
        );
      }
      for (const d of store.allDistributions()) {
        for (let i = 0; i < d.length; i++) {
          out.line(JSON.stringify(['d', d.metric, d.tags, d.timeAt(i), sketchToJson(d.sketchAt(i))]));
        }
      }
    } finally {
      out.close();
    }
    renameSync(tmp, join(this.dir, SNAPSHOT));
    const old = this.#generation;
    this.#generation = next;
    rmSync(join(this.dir, journalName(old)), { force: true });
  }
}

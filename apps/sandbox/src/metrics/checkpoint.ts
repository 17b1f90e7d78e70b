import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
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
    if (existsSync(snapshotPath))
      for (const line of readFileSync(snapshotPath, 'utf8').split('\n')) apply(line);
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
      for (const line of readFileSync(join(this.dir, file), 'utf8').split('\n')) apply(line);
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
    const lines: string[] = [JSON.stringify(['g', next])];
    for (const s of store.allSeries()) {
      const w = s.window(0, 2 ** 32);
      lines.push(
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
        lines.push(JSON.stringify(['d', d.metric, d.tags, d.timeAt(i), sketchToJson(d.sketchAt(i))]));
      }
    }
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    writeFileSync(tmp, `${lines.join('\n')}\n`);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    const old = this.#generation;
    this.#generation = next;
    rmSync(join(this.dir, journalName(old)), { force: true });
  }
}

import type { DatabaseSync } from 'node:sqlite';
import type { DDSketch } from '@datadog/sketches-js';
import type {
  DistributionGroup,
  DistributionRequest,
  SeriesData,
  SeriesSource,
} from '@dd-challenge/metric-query';
import { transaction } from '../db/database.ts';
import type { Flushed, MetricPoint, SeriesType, SketchPoint } from './points.ts';
import { addEncoded, decodeSketch, encodeSketch, newSketch } from './sketch.ts';

/**
 * A series per metric and tag set (a distribution's series has type `distribution`); its points
 * keyed by (series, time), one row per time; a distribution's 10 s buckets as encoded sketches.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS metric_series (
  id INTEGER PRIMARY KEY, metric TEXT NOT NULL, tags TEXT NOT NULL, type TEXT NOT NULL,
  interval INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS metric_points (
  series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (series, time)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metric_sketches (
  series INTEGER NOT NULL, time INTEGER NOT NULL, sketch TEXT NOT NULL,
  PRIMARY KEY (series, time)) WITHOUT ROWID;
`;

type Kind = SeriesType | 'distribution';

const statements = (db: DatabaseSync) => ({
  newSeries: db.prepare('INSERT INTO metric_series (metric, tags, type, interval) VALUES (?, ?, ?, ?)'),
  dropSeries: db.prepare('DELETE FROM metric_series WHERE id = ?'),
  insertPoint: db.prepare('INSERT OR IGNORE INTO metric_points (series, time, value) VALUES (?, ?, ?)'),
  replacePoint: db.prepare('UPDATE metric_points SET value = ? WHERE series = ? AND time = ?'),
  addPoint: db.prepare('UPDATE metric_points SET value = value + ? WHERE series = ? AND time = ?'),
  points: db.prepare(
    'SELECT time, value FROM metric_points WHERE series = ? AND time >= ? AND time <= ? ORDER BY time',
  ),
  prunePoints: db.prepare('DELETE FROM metric_points WHERE series = ? AND time < ?'),
  sketchAt: db.prepare('SELECT sketch FROM metric_sketches WHERE series = ? AND time = ?'),
  putSketch: db.prepare('INSERT OR REPLACE INTO metric_sketches (series, time, sketch) VALUES (?, ?, ?)'),
  sketches: db.prepare(
    'SELECT time, sketch FROM metric_sketches WHERE series = ? AND time >= ? AND time <= ? ORDER BY time',
  ),
  pruneSketches: db.prepare('DELETE FROM metric_sketches WHERE series = ? AND time < ?'),
});

/** A series as kept in memory beside its row: its points stay in SQLite. */
interface Series {
  readonly id: number;
  readonly metric: string;
  readonly tags: readonly string[];
  readonly type: Kind;
  readonly interval: number;
  points: number;
  last: number;
}

export interface MetricSummary {
  readonly metric: string;
  readonly kind: Kind;
  readonly series: number;
  readonly points: number;
  readonly lastTime: number | undefined;
}

/**
 * The metric store on SQLite (the same file as the resources). Series are also listed in memory
 * with their point counts, so listing metrics reads no points. Times are UNIX seconds.
 */
export class MetricStore implements SeriesSource {
  readonly #db: DatabaseSync;
  /** Plain series, and distribution series: by metric, then by their tags' text (JSON). */
  readonly #plain = new Map<string, Map<string, Series>>();
  readonly #dists = new Map<string, Map<string, Series>>();
  readonly #sql: ReturnType<typeof statements>;
  /** Points and sketches written since the store opened (statistics). */
  pointsWritten = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#sql = statements(db);
    // A query reads tens of thousands of points: rows as arrays, not objects.
    this.#sql.points.setReturnArrays(true);
    this.#load();
  }

  #load(): void {
    const sizes = new Map<number, { n: number; last: number }>();
    for (const table of ['metric_points', 'metric_sketches']) {
      const rows = this.#db
        .prepare(`SELECT series, COUNT(*) AS n, MAX(time) AS last FROM ${table} GROUP BY series`)
        .all() as Array<{ series: number; n: number; last: number }>;
      for (const r of rows) sizes.set(r.series, r);
    }
    const rows = this.#db
      .prepare('SELECT id, metric, tags, type, interval FROM metric_series')
      .all() as Array<{
      id: number;
      metric: string;
      tags: string;
      type: Kind;
      interval: number;
    }>;
    for (const r of rows) {
      const size = sizes.get(r.id);
      this.#remember(
        { ...r, tags: JSON.parse(r.tags) as string[], points: size?.n ?? 0, last: size?.last ?? Number.NaN },
        r.tags,
      );
    }
  }

  #remember(s: Series, tagsText: string): void {
    const byMetric = s.type === 'distribution' ? this.#dists : this.#plain;
    const byTags = byMetric.get(s.metric);
    if (byTags) byTags.set(tagsText, s);
    else byMetric.set(s.metric, new Map([[tagsText, s]]));
  }

  /** The series of metric and tags, made on first use with this type and interval. */
  #series(metric: string, tags: readonly string[], type: Kind, interval: number): Series {
    const tagsText = JSON.stringify(tags);
    const known = (type === 'distribution' ? this.#dists : this.#plain).get(metric)?.get(tagsText);
    if (known) return known;
    const { lastInsertRowid } = this.#sql.newSeries.run(metric, tagsText, type, interval);
    const s: Series = {
      id: Number(lastInsertRowid),
      metric,
      tags,
      type,
      interval,
      points: 0,
      last: Number.NaN,
    };
    this.#remember(s, tagsText);
    return s;
  }

  /** Writes points and sketches in one transaction; returns how many were written. */
  write(flushed: Flushed): number {
    if (flushed.points.length === 0 && flushed.sketches.length === 0) return 0;
    return transaction(this.#db, () => {
      let n = 0;
      for (const p of flushed.points) if (this.#point(p)) n++;
      for (const s of flushed.sketches) if (this.#sketch(s)) n++;
      this.pointsWritten += n;
      return n;
    });
  }

  #point(p: MetricPoint): boolean {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.time) || p.time < 0) return false;
    const s = this.#series(p.metric, p.tags, p.type, p.interval);
    const time = Math.floor(p.time);
    // A series keeps the type it was made with; a count landing in a rate series becomes a rate.
    const value = s.type === 'rate' && p.type === 'count' && s.interval > 0 ? p.value / s.interval : p.value;
    const sql = this.#sql;
    if (sql.insertPoint.run(s.id, time, value).changes === 1) {
      s.points++;
      if (!(time <= s.last)) s.last = time;
    } else (p.add ? sql.addPoint : sql.replacePoint).run(value, s.id, time);
    return true;
  }

  /** A bucket's sketch, merged with one already stored at that time (a second flush of it). */
  #sketch(p: SketchPoint): boolean {
    if (p.sketch.count <= 0 || !Number.isFinite(p.time)) return false;
    const s = this.#series(p.metric, p.tags, 'distribution', 10);
    const time = Math.floor(p.time);
    const stored = this.#sql.sketchAt.get(s.id, time) as { sketch: string } | undefined;
    let sketch = p.sketch;
    if (stored) {
      sketch = decodeSketch(stored.sketch);
      addEncoded(sketch, encodeSketch(p.sketch));
    } else {
      s.points++;
      if (!(time <= s.last)) s.last = time;
    }
    this.#sql.putSketch.run(s.id, time, encodeSketch(sketch));
    return true;
  }

  /** Every series of `metric` with points in [from, to] (seconds). */
  *series(metric: string, from: number, to: number): Iterable<SeriesData> {
    for (const s of this.#plain.get(metric)?.values() ?? []) {
      if (!(s.last >= from)) continue;
      const rows = this.#sql.points.all(s.id, from, to) as unknown as Array<[number, number]>;
      if (rows.length === 0) continue;
      const times = new Float64Array(rows.length);
      const values = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as [number, number];
        times[i] = row[0];
        values[i] = row[1];
      }
      yield { metric, tags: s.tags, type: s.type as SeriesType, interval: s.interval, times, values };
    }
  }

  /** Distribution statistics per group and time bucket, from the buckets' sketches merged. */
  distribution(request: DistributionRequest): readonly DistributionGroup[] | undefined {
    const byTags = this.#dists.get(request.metric);
    if (!byTags) return undefined;
    const width = Math.max(1, Math.floor(request.bucketSeconds));
    const groups = new Map<string, { tags: string[] | undefined; buckets: Map<number, DDSketch> }>();
    for (const s of byTags.values()) {
      const name = request.groupOf(s.tags);
      if (name === undefined) continue;
      const rows = this.#sql.sketches.all(s.id, request.from, request.to) as Array<{
        time: number;
        sketch: string;
      }>;
      if (rows.length === 0) continue;
      let g = groups.get(name);
      if (!g) {
        g = { tags: undefined, buckets: new Map() };
        groups.set(name, g);
      }
      for (const row of rows) {
        const b = Math.floor(row.time / width) * width;
        let merged = g.buckets.get(b);
        if (!merged) {
          merged = newSketch();
          g.buckets.set(b, merged);
        }
        addEncoded(merged, row.sketch);
      }
      g.tags = g.tags === undefined ? [...s.tags] : g.tags.filter((t) => s.tags.includes(t));
    }
    const out: DistributionGroup[] = [];
    for (const [group, g] of groups) {
      const times = [...g.buckets.keys()].sort((a, b) => a - b);
      const values = times.map((t) => statOf(g.buckets.get(t) as DDSketch, request.stat));
      out.push({ group, tags: g.tags ?? [], times, values });
    }
    return out;
  }

  /** Drops points and sketches older than `cutoff` (seconds), and the series left empty. */
  prune(cutoff: number): void {
    transaction(this.#db, () => {
      for (const [byMetric, sql] of [
        [this.#plain, this.#sql.prunePoints],
        [this.#dists, this.#sql.pruneSketches],
      ] as const) {
        for (const [metric, byTags] of byMetric) {
          for (const [tagsText, s] of byTags) {
            s.points -= Number(sql.run(s.id, cutoff).changes);
            if (s.points > 0) continue;
            this.#sql.dropSeries.run(s.id);
            byTags.delete(tagsText);
          }
          if (byTags.size === 0) byMetric.delete(metric);
        }
      }
    });
  }

  /** Every metric name with its kind, series count, point count and last point time. */
  metrics(): MetricSummary[] {
    const out: MetricSummary[] = [];
    for (const byMetric of [this.#plain, this.#dists]) {
      for (const [metric, byTags] of byMetric) {
        let points = 0;
        let last = Number.NaN;
        let kind: Kind = 'gauge';
        for (const s of byTags.values()) {
          points += s.points;
          if (!(s.last <= last)) last = s.last;
          kind = s.type;
        }
        out.push({
          metric,
          kind,
          series: byTags.size,
          points,
          lastTime: Number.isNaN(last) ? undefined : last,
        });
      }
    }
    return out.sort((a, b) => a.metric.localeCompare(b.metric));
  }
}

function statOf(s: DDSketch, stat: DistributionRequest['stat']): number {
  if (typeof stat === 'object') return s.getValueAtQuantile(stat.quantile);
  switch (stat) {
    case 'avg':
      return s.count > 0 ? s.sum / s.count : Number.NaN;
    case 'sum':
      return s.sum;
    case 'count':
      return s.count;
    case 'min':
      return s.min;
    case 'max':
      return s.max;
  }
  return Number.NaN;
}

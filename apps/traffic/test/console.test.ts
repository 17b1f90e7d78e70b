import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConsole } from '../src/console.ts';
import { formatSnapshot, quantile, type Snapshot, Stats } from '../src/stats.ts';

function output(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => {
    text += d;
  });
  Object.assign(stream, { isTTY, columns: 100 });
  return { out: stream as unknown as NodeJS.WriteStream, text: () => text };
}

function snapshotAfter(latencies: number[], statuses: Array<number | undefined>): Snapshot {
  const stats = new Stats(10_000, 0);
  latencies.forEach((latencyMs, i) => {
    const status = statuses[i % statuses.length];
    stats.record({ kind: 'home', at: 1000 + i, latencyMs, status, unexpected: status === undefined });
  });
  return stats.snapshot(2000);
}

describe('live figures', () => {
  it('computes rate over the window, nearest-rank p50/p95 and error counts', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    const s = snapshotAfter(
      Array.from({ length: 100 }, (_, i) => i + 1),
      [200, 200, 200, 404, undefined],
    );
    expect(s).toMatchObject({ sent: 100, p50: 50, p95: 95, errors: 40, unexpected: 20, rate: 50 });
    expect(formatSnapshot(s)).toBe('50.0 req/s  p50 50 ms  p95 95 ms  errors 40 (unexpected 20)  sent 100');
  });

  it('on a TTY redraws one status line in place and prints log lines above it', () => {
    const { out, text } = output(true);
    const c = createConsole({ logLevel: 'info', logFormat: 'pretty' }, 10_000, out);
    const s = snapshotAfter([10, 20, 30], [200]);
    c.progress(s, 'steady');
    c.log.info('target is up');
    c.progress(s, 'burst');
    c.close();
    const t = text();
    expect(t).toContain('\r\x1b[2Ktraffic steady 1.5 req/s  p50 20 ms  p95 30 ms  errors 0  sent 3');
    // The log line clears the status line, prints, then puts the status back.
    const clear = '\r\x1b[2K';
    const logAt = t.indexOf('target is up');
    expect(t.lastIndexOf(clear, logAt)).toBeGreaterThan(t.indexOf('traffic steady'));
    expect(t.indexOf('traffic steady', logAt)).toBeGreaterThan(logAt);
    expect(t).toContain('traffic burst ');
    expect(t.endsWith('\r\x1b[2K')).toBe(true); // the status line is gone at exit
    expect(t).not.toContain('"level"'); // pretty, not JSON
  });

  it('elsewhere writes readable log lines, the figures at most every `everyMs`', () => {
    const { out, text } = output(false);
    const c = createConsole({ logLevel: 'info', logFormat: 'pretty' }, 60_000, out);
    const s = snapshotAfter([10, 20, 30], [200]);
    c.progress(s, 'waiting'); // nothing to report yet
    c.progress(s, 'steady');
    c.progress(s, 'steady'); // within the minute: skipped
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[[\d:.]+\] INFO \(traffic\): steady: 1\.5 req\/s {2}p50 20 ms {2}p95 30 ms {2}errors 0 {2}sent 3$/,
    );
    expect(text()).not.toContain('\r');
  });

  it('with LOG_FORMAT=json writes JSON log lines with the figures as fields', () => {
    const { out, text } = output(false);
    const c = createConsole({ logLevel: 'info', logFormat: 'json' }, 60_000, out);
    const s = snapshotAfter([10, 20, 30], [200]);
    c.progress(s, 'waiting'); // nothing to report yet
    c.progress(s, 'steady');
    c.progress(s, 'steady'); // within the minute: skipped
    const lines = text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ phase: 'steady', sent: 3, p50: 20, errors: 0, name: 'traffic' });
    expect(text()).not.toContain('\x1b');
  });
});

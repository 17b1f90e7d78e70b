import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../src/agent/heap-release.ts', import.meta.url));

/** In a node launched with `flags`: RSS after a burst of old-space garbage and plain full GCs, then after releaseFreeHeapPages(). */
function burstThenRelease(flags: string[]): { released: boolean; before: number; after: number } {
  const script = `
    const { releaseFreeHeapPages } = await import(${JSON.stringify(MODULE)});
    let keep = [];
    for (let i = 0; i < 400_000; i++) keep.push({ a: i, b: 'x' + i, c: [i, i] });
    keep = undefined;
    globalThis.gc?.();
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const released = releaseFreeHeapPages();
    console.log(JSON.stringify({ released, before, after: process.memoryUsage().rss }));`;
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { released: boolean; before: number; after: number };
}

describe('releaseFreeHeapPages', () => {
  it('gives back the pages V8 keeps pooled after plain full collections', () => {
    const r = burstThenRelease(['--expose-gc', '--max-semi-space-size=2']);
    expect(r.released).toBe(true);
    // ~60 MB of objects were live; the plain GCs left their freed pages pooled (resident).
    expect(r.before - r.after).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('does nothing without --expose-gc', () => {
    expect(burstThenRelease([]).released).toBe(false);
  });
});

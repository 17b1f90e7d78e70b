/**
 * Gives the V8 heap's free pages back to the system, once, when the trace intake has been idle
 * for 10 s after a burst (with its buffers and the decoder's arrays let go at the same moment).
 *
 * Why: a burst of spans leaves V8 with pages it freed but keeps "pooled" for reuse (13-22 MB after
 * bench:memory's 136,000 spans; --trace-gc prints them as `pooled:`). V8 returns them only on a
 * memory-reducing collection, which its memory reducer starts once it sees a low allocation rate;
 * in node 24 (V8 13.6) it never does for an idle process (even a bare script: `--trace-memory-reducer`
 * prints "high alloc" every 8 s for good), so the pages stay resident. This is that collection
 * (what V8 runs on memory pressure): a full GC that also compacts and frees the pool, ~50-100 ms
 * on the main thread while nothing is arriving (the DogStatsD socket is read by its own thread).
 *
 * It needs node's --expose-gc (the launch scripts pass it); without it (tests, other launchers)
 * it does nothing and says so.
 */
export function releaseFreeHeapPages(): boolean {
  const gc = (globalThis as { gc?: (options: object) => unknown }).gc;
  if (gc === undefined) return false;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}

import { describe, expect, it } from 'vitest';
import { LOG_CAP, SampleLog } from './sample-log.ts';

/** What a sink was handed: per slot, its samples as [value, rate] in order (rate 1 when omitted). */
function recorder() {
  const got = new Map<number, Array<[number, number]>>();
  const omitted: boolean[] = [];
  const log = new SampleLog((slot, values, rates, start, end) => {
    omitted.push(rates === undefined);
    const list = got.get(slot) ?? [];
    for (let i = start; i < end; i++) list.push([values[i] as number, rates ? (rates[i] as number) : 1]);
    got.set(slot, list);
  });
  return { log, got, omitted };
}

describe('SampleLog', () => {
  it('hands each slot its samples in arrival order, with their rates', () => {
    const { log, got } = recorder();
    const want = new Map<number, Array<[number, number]>>();
    for (let i = 0; i < 3 * LOG_CAP + 123; i++) {
      const slot = (i * 7919) % 1500;
      // rate-1 samples first, then a sampled one part-way into a log: earlier entries weigh 1
      const rate = i % LOG_CAP > 40_000 && i % 11 === 0 ? 0.25 : 1;
      log.append(slot, i + 0.5, rate);
      const list = want.get(slot) ?? [];
      list.push([i + 0.5, rate]);
      want.set(slot, list);
    }
    log.drain();
    expect(got).toEqual(want);
  });

  it('tells the sink when every rate is 1, and only then', () => {
    const { log, omitted } = recorder();
    for (let i = 0; i < 100; i++) log.append(i % 3, i, 1);
    log.drain();
    expect(omitted).toEqual([true, true, true]);
    omitted.length = 0;
    for (let i = 0; i < 100; i++) log.append(i % 3, i, i === 50 ? 0.5 : 1);
    log.drain();
    expect(omitted).toEqual([false, false, false]);
    omitted.length = 0;
    // the next log starts unweighted again
    log.append(0, 1, 1);
    log.append(0, 2, 1);
    log.drain();
    expect(omitted).toEqual([true]);
  });
});

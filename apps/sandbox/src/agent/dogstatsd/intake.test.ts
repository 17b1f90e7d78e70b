import { describe, expect, it } from 'vitest';
import { HostRegistry } from '../../backend/hosts.ts';
import { ManualClock } from '../../clock.ts';
import { IntakeStats } from '../stats.ts';
import { Aggregator } from './aggregator.ts';
import { IntakeBus } from './events.ts';
import { DogStatsDIntake } from './intake.ts';

const T = 1_795_000_000;

function intake() {
  const clock = new ManualClock((T + 1) * 1000);
  const aggregator = new Aggregator();
  const stats = new IntakeStats();
  const bus = new IntakeBus();
  const hosts = new HostRegistry('local-host', ['role:db', 'mytag'], '10.0.0.1');
  const dsd = new DogStatsDIntake({ aggregator, hosts, stats, bus, clock });
  const flush = () => aggregator.flush(clock.now(), true);
  return { clock, aggregator, stats, bus, hosts, dsd, flush };
}

describe('DogStatsD intake', () => {
  it('adds the host and DD_TAGS to points without a host, sorted and deduplicated', () => {
    const { dsd, flush } = intake();
    dsd.packet('a:1|g|#z,b:1,z\nb:1|g|#role:web\nc:1|g|#host:other,x\nd:1|g|#host:');
    const tags = Object.fromEntries(flush().points.map((p) => [p.metric, p.tags]));
    expect(tags).toEqual({
      a: ['b:1', 'host:local-host', 'mytag', 'role:db', 'z'],
      // a tag of the point wins over the host tag with its key
      b: ['host:local-host', 'mytag', 'role:web'],
      // another host keeps its name and gets none of the sandbox host's tags
      c: ['host:other', 'x'],
      // an empty host tag means no host
      d: [],
    });
  });

  it('aggregates lines whose tags come in another order in one context', () => {
    const { dsd, flush } = intake();
    dsd.packet('c:1|c|#a,b\nc:2|c|#b,a\nc:3|c|#a,b,a');
    expect(flush().points.map((p) => p.value)).toEqual([0.6]);
  });

  it('counts each bad line under its reason and keeps the good lines of the same packet', () => {
    const { dsd, stats, flush } = intake();
    dsd.packet(Buffer.from('ok:1|c\r\nbad\n:1|c\nok:2|c|@x\n\nok:3|c\nok:abc|g\nset:x|s'));
    expect(stats.packets).toBe(1);
    expect(stats.lines).toBe(7);
    expect(stats.metricLines).toBe(3);
    expect(stats.metricSamples).toBe(3);
    expect(Object.fromEntries(stats.errors)).toEqual({
      'missing value and type': 1,
      'empty metric name': 1,
      'invalid sample rate': 1,
      'invalid value': 1,
    });
    expect(stats.lines).toBe(stats.metricLines + stats.errorCount);
    expect(flush().points.map((p) => [p.metric, p.value])).toEqual([
      ['ok', 0.4],
      ['set', 1],
    ]);
  });

  it('records the hosts points name, with the time they were last seen', () => {
    const { dsd, hosts, clock } = intake();
    dsd.packet('a:1|g|#host:web-1');
    clock.advance(5000);
    dsd.packet('a:1|g|#host:web-1\nbad:x|g|#host:not-accepted');
    expect(hosts.get('web-1')).toMatchObject({ ip: undefined, tags: [], lastSeen: (T + 6) * 1000 });
    expect(hosts.get('not-accepted')).toBeUndefined();
  });

  it('forwards |T gauges and counts at their own time; other types aggregate on arrival', () => {
    const { dsd, flush } = intake();
    dsd.packet('g:5|g|T1700000000\nc:4|c|@0.5|T1700000000\nh:1|h|T1700000000');
    const points = flush().points.map((p) => [p.metric, p.time, p.value, p.type]);
    expect(points).toEqual([
      ['g', 1700000000, 5, 'gauge'],
      ['c', 1700000000, 8, 'count'],
      ['h.max', T, 1, 'gauge'],
      ['h.median', T, 1, 'gauge'],
      ['h.avg', T, 1, 'gauge'],
      ['h.count', T, 0.1, 'rate'],
      ['h.95percentile', T, 1, 'gauge'],
    ]);
  });

  it('puts events and service checks on the bus, with the arrival time and the local host by default', () => {
    const { dsd, bus, stats } = intake();
    dsd.packet('_e{2,3}:up|txt|#a:b\n_e{2,3}:up|txt|d:1700000000|h:web-1\n_sc|db|1|m:slow\n_sc|db|9');
    expect(bus.recentEvents.map((e) => [e.date_happened, e.host, e.tags])).toEqual([
      [T + 1, 'local-host', ['a:b']],
      [1700000000, 'web-1', []],
    ]);
    expect(bus.recentServiceChecks).toEqual([
      { check: 'db', status: 1, timestamp: T + 1, host_name: 'local-host', tags: [], message: 'slow' },
    ]);
    expect([stats.events, stats.serviceChecks, stats.errorCount]).toEqual([2, 1, 1]);
  });
});

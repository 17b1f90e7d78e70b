import { enrichTags, type HostRegistry } from '../../backend/hosts.ts';
import type { Clock } from '../../clock.ts';
import type { IntakeStats } from '../stats.ts';
import { type Aggregator, type Tags, tagsOf } from './aggregator.ts';
import type { IntakeBus } from './events.ts';
import { type MetricLine, parseLine, splitLines } from './parser.ts';

export interface IntakeDeps {
  readonly aggregator: Aggregator;
  readonly hosts: HostRegistry;
  readonly stats: IntakeStats;
  readonly bus: IntakeBus;
  readonly clock: Clock;
}

/** A line's tags as sent, resolved: complete, and the host they name. */
interface ResolvedTags extends Tags {
  readonly host: string | undefined;
}

/** Tag texts remembered before starting over (a sender inventing tags must not grow it forever). */
const MAX_TAG_TEXTS = 10_000;

/**
 * What the Agent does with a DogStatsD datagram: each line parsed on its own (a bad line is
 * counted under its reason and the others go on), metrics into the aggregator with the host and
 * DD_TAGS added, events and service checks onto the bus.
 */
export class DogStatsDIntake {
  readonly #deps: IntakeDeps;
  /** Tags as sent -> resolved: most lines repeat the tags of earlier ones. */
  readonly #tags = new Map<string, ResolvedTags>();

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
  }

  /** One datagram (UDP, or a /dogstatsd/v2/proxy body); never throws on bad input. */
  packet(data: Buffer | string): void {
    const { stats, clock } = this.#deps;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    stats.packets++;
    stats.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const now = clock.now();
    for (const line of splitLines(text)) {
      stats.lines++;
      try {
        this.#line(line, now);
      } catch {
        stats.error('internal parser error');
      }
    }
  }

  #line(line: string, now: number): void {
    const { stats, bus, hosts } = this.#deps;
    const parsed = parseLine(line);
    switch (parsed.kind) {
      case 'error':
        stats.error(parsed.reason);
        return;
      case 'event':
        stats.events++;
        bus.event({
          ...parsed.event,
          date_happened: parsed.event.date_happened ?? Math.floor(now / 1000),
          host: parsed.event.host ?? hosts.local.name,
        });
        return;
      case 'service_check':
        stats.serviceChecks++;
        bus.serviceCheck({
          ...parsed.check,
          timestamp: parsed.check.timestamp ?? Math.floor(now / 1000),
          host_name: parsed.check.host_name ?? hosts.local.name,
        });
        return;
      case 'metric':
        this.#metric(parsed, now);
        return;
    }
  }

  #metric(m: MetricLine, now: number): void {
    const { aggregator, stats, hosts } = this.#deps;
    const tags = this.#resolve(m.tags);
    if (tags.host !== undefined) hosts.seen(tags.host, now);
    if (m.type === 'set') aggregator.addMember(now, m.name, tags, m.member as string);
    else if (m.timestamp > 0 && (m.type === 'gauge' || m.type === 'count'))
      aggregator.addTimestamped(m.name, m.type, tags.list, m.timestamp, m.values, m.rate);
    else aggregator.add(now, m.name, m.type, tags, m.values, m.rate);
    stats.metricLines++;
    stats.metricSamples += m.type === 'set' ? 1 : m.values.length;
  }

  #resolve(text: string): ResolvedTags {
    let resolved = this.#tags.get(text);
    if (resolved === undefined) {
      const list = enrichTags(text === '' ? [] : text.split(','), this.#deps.hosts);
      const host = list.find((t) => t.startsWith('host:'));
      resolved = { ...tagsOf(list), host: host?.slice(5) };
      if (this.#tags.size >= MAX_TAG_TEXTS) this.#tags.clear();
      this.#tags.set(text, resolved);
    }
    return resolved;
  }
}

import { networkInterfaces } from 'node:os';

export interface HostInfo {
  readonly name: string;
  /** The host's IPv4 address: the machine's first non-internal one for the local host. */
  readonly ip: string | undefined;
  /** Host tags (DD_TAGS for the local host). */
  readonly tags: readonly string[];
  /** Last time (ms, sandbox clock) a point named this host. */
  lastSeen: number;
}

/** The machine's first non-internal IPv4 address (127.0.0.1 when it has none). */
export function machineIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * ctx.hosts: host name -> { ip, tags } for every host points were seen for, the sandbox's own
 * host first (with the machine's IP and DD_TAGS), so monitor messages can render {{host.ip}}.
 */
export class HostRegistry {
  readonly local: HostInfo;
  readonly #hosts = new Map<string, HostInfo>();

  constructor(localName: string, localTags: readonly string[], localIp: string = machineIp()) {
    this.local = { name: localName, ip: localIp, tags: [...localTags], lastSeen: 0 };
    this.#hosts.set(localName, this.local);
  }

  /** The host called `name`, if points or configuration named it. */
  get(name: string): HostInfo | undefined {
    return this.#hosts.get(name);
  }

  /** Records that a point named `name` (unknown hosts get no IP and no tags). */
  seen(name: string, now: number): HostInfo {
    let h = this.#hosts.get(name);
    if (!h) {
      h = { name, ip: undefined, tags: [], lastSeen: now };
      this.#hosts.set(name, h);
    } else h.lastSeen = now;
    return h;
  }

  /** Every known host. */
  list(): HostInfo[] {
    return [...this.#hosts.values()];
  }
}

/**
 * The tags a point is stored with, as the Agent enriches them: a `host:` tag names the host (an
 * empty `host:` means none), otherwise the sandbox's host is added; points of the local host also
 * carry DD_TAGS (host tags are queryable on their host in Datadog). Sorted and deduplicated.
 */
export function enrichTags(tags: readonly string[], hosts: HostRegistry, explicitHost?: string): string[] {
  let host: string | undefined = explicitHost;
  const out: string[] = [];
  let hostTagSeen = false;
  for (const t of tags) {
    if (t.length === 0) continue;
    if (t.startsWith('host:')) {
      hostTagSeen = true;
      const v = t.slice(5);
      if (v.length > 0 && host === undefined) host = v;
      continue;
    }
    out.push(t);
  }
  if (host === undefined && !hostTagSeen) host = hosts.local.name;
  if (host !== undefined && host.length > 0) {
    out.push(`host:${host}`);
    const info = host === hosts.local.name ? hosts.local : hosts.get(host);
    if (info) {
      for (const ht of info.tags) {
        const key = ht.includes(':') ? ht.slice(0, ht.indexOf(':') + 1) : undefined;
        if (key ? !out.some((t) => t.startsWith(key)) : !out.includes(ht)) out.push(ht);
      }
    }
  }
  out.sort();
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

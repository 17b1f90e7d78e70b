import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** CPU time counters summed over every core. */
interface CpuTimes {
  user: number;
  sys: number;
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  const t = { user: 0, sys: 0, idle: 0, total: 0 };
  for (const c of cpus()) {
    t.user += c.times.user + c.times.nice;
    t.sys += c.times.sys + c.times.irq;
    t.idle += c.times.idle;
    t.total += c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
  }
  return t;
}

export type Sample = readonly [metric: string, value: number];

/**
 * The Agent's system check, from node:os: system.cpu.user/system/idle (percent of CPU time since
 * the last run, all cores together, like the Agent's cpu check: nothing on the first run),
 * system.mem.total/used/free (MiB, as the Agent reports), system.load.1/5/15 and the
 * load normalised by core count (system.load.norm.*).
 */
export class HostCheck {
  #last: CpuTimes | undefined;

  run(): Sample[] {
    const out: Sample[] = [];
    const now = cpuTimes();
    if (this.#last) {
      const total = now.total - this.#last.total;
      if (total > 0) {
        out.push(['system.cpu.user', ((now.user - this.#last.user) / total) * 100]);
        out.push(['system.cpu.system', ((now.sys - this.#last.sys) / total) * 100]);
        out.push(['system.cpu.idle', ((now.idle - this.#last.idle) / total) * 100]);
      }
    }
    this.#last = now;
    const mib = 1024 * 1024;
    out.push(['system.mem.total', totalmem() / mib]);
    out.push(['system.mem.used', (totalmem() - freemem()) / mib]);
    out.push(['system.mem.free', freemem() / mib]);
    const [l1, l5, l15] = loadavg() as [number, number, number];
    const cores = Math.max(1, cpus().length);
    out.push(['system.load.1', l1], ['system.load.5', l5], ['system.load.15', l15]);
    out.push(
      ['system.load.norm.1', l1 / cores],
      ['system.load.norm.5', l5 / cores],
      ['system.load.norm.15', l15 / cores],
    );
    return out;
  }
}

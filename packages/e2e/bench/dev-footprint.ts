// The footprint of `pnpm dev` at steady demo load: RSS of every process of the tree two minutes
// after start, and CPU over the minute after that, summed per part (the package a process runs
// in; turbo itself is its own part). Target: <= 700 MB RSS and < 5 % of one core, all together.
// The demo runs with its default settings (my_metric every 45 s, traffic at 5 req/s, log level
// info) on free ports and a fresh data folder, so it never meets a running demo.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { startStack } from '../src/stack.ts';

const root = findRepoRoot(import.meta.dirname);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 120_000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 60_000);
const TARGET_RSS_MB = 700;
const TARGET_CPU_PCT = 5;
const TICKS = 100; // USER_HZ: /proc's CPU times are in 1/100 s on Linux

interface Proc {
  pid: number;
  ppid: number;
  command: string;
  part: string;
  rssKb: number;
  pssKb: number;
  cpuTicks: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process left meanwhile
  }
}

/** The part a process belongs to: the package folder it runs in (`turbo` at the root). */
function partOf(pid: number): string {
  try {
    const cwd = relative(root, readlinkSync(`/proc/${pid}/cwd`));
    return cwd === '' ? 'turbo' : cwd;
  } catch {
    return '?';
  }
}

function procInfo(pid: number): Proc | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const status = read(`/proc/${pid}/status`);
  if (!stat || !status) return undefined;
  // Fields after the command (which may hold spaces) start at the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? '';
  const kb = (text: string, key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
  return {
    pid,
    ppid: Number(f[1]),
    command: argv
      .map((a) => (a.startsWith(root) ? relative(root, a) || '.' : a))
      .join(' ')
      .slice(0, 160),
    part: partOf(pid),
    rssKb: kb(status, 'VmRSS'),
    pssKb: kb(rollup, 'Pss'),
    cpuTicks: Number(f[11]) + Number(f[12]),
  };
}

/** `pid` and every process below it. */
function tree(pid: number): Proc[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => procInfo(Number(d)))
    .filter((p): p is Proc => p !== undefined);
  const out: Proc[] = [];
  const walk = (p: number) => {
    for (const c of all) {
      if (c.pid === p || c.ppid !== p) continue;
      out.push(c);
      walk(c.pid);
    }
  };
  const top = all.find((p) => p.pid === pid);
  if (top) out.push(top);
  walk(pid);
  return out;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

const started = Date.now();
const stack = await startStack({
  // The demo's defaults, not the e2e test's quick settings.
  MY_METRIC_INTERVAL: '45s',
  DD_TRACE_FLUSH_INTERVAL: '2000',
  LOG_LEVEL: 'info',
});
let statusMs: number | undefined;
void stack.untilOutput(/dd-challenge is up/, WARMUP_MS).then(
  () => (statusMs = Date.now() - started),
  () => {},
);
try {
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = tree(stack.pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const after = tree(stack.pid);
  const seconds = (performance.now() - t0) / 1000;

  const ticksBefore = new Map(before.map((p) => [p.pid, p.cpuTicks]));
  const parts = new Map<
    string,
    { rss_mb: number; pss_mb: number; cpu_pct_of_one_core: number; processes: object[] }
  >();
  for (const p of before) {
    const later = after.find((a) => a.pid === p.pid);
    const cpu = later ? ((later.cpuTicks - (ticksBefore.get(p.pid) ?? 0)) / TICKS / seconds) * 100 : 0;
    const part = parts.get(p.part) ?? { rss_mb: 0, pss_mb: 0, cpu_pct_of_one_core: 0, processes: [] };
    part.rss_mb += mb(p.rssKb);
    part.pss_mb += mb(p.pssKb);
    part.cpu_pct_of_one_core += cpu;
    part.processes.push({
      pid: p.pid,
      command: p.command,
      rss_mb: mb(p.rssKb),
      cpu_pct: Number(cpu.toFixed(2)),
    });
    parts.set(p.part, part);
  }
  const round = (n: number, d = 1) => Number(n.toFixed(d));
  const byPart = Object.fromEntries(
    [...parts.entries()]
      .sort((a, b) => b[1].rss_mb - a[1].rss_mb)
      .map(([name, p]) => [
        name,
        {
          ...p,
          rss_mb: round(p.rss_mb),
          pss_mb: round(p.pss_mb),
          cpu_pct_of_one_core: round(p.cpu_pct_of_one_core, 2),
        },
      ]),
  );
  const rss = [...parts.values()].reduce((s, p) => s + p.rss_mb, 0);
  const pss = [...parts.values()].reduce((s, p) => s + p.pss_mb, 0);
  const cpu = [...parts.values()].reduce((s, p) => s + p.cpu_pct_of_one_core, 0);
  const load = (read('/proc/loadavg') ?? '').split(' ').slice(0, 3).join(' ');
  const result = {
    benchmark: 'dev-footprint',
    date: new Date().toISOString(),
    load_average: load,
    status_block_after_ms: statusMs ?? null,
    rss_sampled_after_ms: WARMUP_MS,
    cpu_window_ms: WINDOW_MS,
    total_rss_mb: round(rss),
    total_pss_mb: round(pss),
    total_cpu_pct_of_one_core: round(cpu, 2),
    target_rss_mb: TARGET_RSS_MB,
    target_cpu_pct_of_one_core: TARGET_CPU_PCT,
    rss_target_met: rss <= TARGET_RSS_MB,
    cpu_target_met: cpu < TARGET_CPU_PCT,
    parts: byPart,
  };
  mkdirSync(join(import.meta.dirname, '../bench-results'), { recursive: true });
  writeFileSync(
    join(import.meta.dirname, '../bench-results/dev-footprint.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
  if (statusMs === undefined)
    process.stderr.write(`no status block; the output ended:\n${stack.output().slice(-4000)}\n`);
} finally {
  await stack.stop();
}

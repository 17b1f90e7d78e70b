// The footprint of `pnpm dev` at steady demo load: RSS of every process of the tree two minutes
// after start, and CPU over the minute after that, summed per part (the package a process runs
// in; turbo itself is its own part). Target: <= 700 MB RSS and < 5 % of one core for the
// project's programs together; the tools in front of them (turbo, pnpm, sh) are reported beside.
// It starts `pnpm dev` as a person does, with the demo's default settings (my_metric every 45 s,
// traffic at 5 req/s, log level info), on free ports and in fresh data folders.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { findRepoRoot } from '@dd-challenge/config';
import { freeTcpPort, freeUdpPort } from '../src/ports.ts';

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

/**
 * The part a process belongs to: the package folder it runs in, or for a process run from the
 * repository root the package its command names (the launcher), else `turbo` or `pnpm`.
 */
function partOf(pid: number, argv: readonly string[]): string {
  let cwd: string;
  try {
    cwd = relative(root, readlinkSync(`/proc/${pid}/cwd`));
  } catch {
    return '?';
  }
  if (cwd !== '') return cwd;
  for (const a of argv) {
    const m = /^((?:apps|packages)\/[^/]+)\//.exec(isAbsolute(a) ? relative(root, a) : a);
    if (m?.[1]) return m[1];
  }
  return argv.some((a) => a.includes('turbo')) ? 'turbo' : 'pnpm';
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
  if (argv.length === 0) return undefined; // a zombie or a kernel thread
  return {
    pid,
    ppid: Number(f[1]),
    command: argv
      .map((a) => (a.startsWith(root) ? relative(root, a) || '.' : a))
      .join(' ')
      .slice(0, 160),
    part: partOf(pid, argv),
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

/** `pnpm dev` as a person starts it, on free ports and in fresh data folders, output kept. */
async function startDev(): Promise<{ pid: number; output: () => string; stop: () => Promise<void> }> {
  const data = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The demo's own settings, whatever this shell holds.
    if (
      v !== undefined &&
      !/^(DD_.*|DATABASE_URL|SANDBOX_.*|LOG_.*|MY_METRIC_.*|TRAFFIC_.*|NODE_OPTIONS)$/.test(k)
    )
      env[k] = v;
  }
  Object.assign(env, {
    SANDBOX_PORT: String(await freeTcpPort()),
    DD_TRACE_AGENT_PORT: String(await freeTcpPort()),
    DD_DOGSTATSD_PORT: String(await freeUdpPort()),
    PORT: String(await freeTcpPort()),
    EMBEDDED_PG_PORT: String(await freeTcpPort()),
    SANDBOX_DATA_DIR: join(data, 'sandbox'),
    EMBEDDED_PG_DATA_DIR: join(data, 'postgres'),
    DEV_STATUS_FILE: join(data, 'dev-status.txt'),
  });
  const child = spawn('pnpm', ['dev'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid as number,
    output: () => text,
    async stop() {
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), s);
        } catch {
          // already gone
        }
      };
      signal('SIGINT');
      const late = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited;
      clearTimeout(late);
      rmSync(data, { recursive: true, force: true });
    },
  };
}

const started = Date.now();
const stack = await startDev();
let statusMs: number | undefined;
const watch = setInterval(() => {
  if (statusMs === undefined && /dd-challenge is up/.test(stack.output())) statusMs = Date.now() - started;
}, 200);
try {
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = tree(stack.pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const after = tree(stack.pid);
  const seconds = (performance.now() - t0) / 1000;

  const ticksBefore = new Map(before.map((p) => [p.pid, p.cpuTicks]));
  const round = (n: number, d = 1) => Number(n.toFixed(d));
  interface Sum {
    rss_mb: number;
    pss_mb: number;
    cpu_pct_of_one_core: number;
  }
  const zero = (): Sum => ({ rss_mb: 0, pss_mb: 0, cpu_pct_of_one_core: 0 });
  const add = (s: Sum, p: Proc, cpu: number) => {
    s.rss_mb += mb(p.rssKb);
    s.pss_mb += mb(p.pssKb);
    s.cpu_pct_of_one_core += cpu;
  };
  const rounded = (s: Sum): Sum => ({
    rss_mb: round(s.rss_mb),
    pss_mb: round(s.pss_mb),
    cpu_pct_of_one_core: round(s.cpu_pct_of_one_core, 2),
  });
  // The programs of the project (each app, the launcher) apart from the tools that run them
  // (turbo, the `pnpm run` and `sh -c` in front of every task).
  const parts = new Map<string, Sum & { processes: object[] }>();
  const programs = zero();
  const tooling = zero();
  for (const p of before) {
    const later = after.find((a) => a.pid === p.pid);
    const cpu = later ? ((later.cpuTicks - (ticksBefore.get(p.pid) ?? 0)) / TICKS / seconds) * 100 : 0;
    const tool = p.part === 'turbo' || p.part === 'pnpm' || /^(\S*\/)?pnpm |^sh -c /.test(p.command);
    add(tool ? tooling : programs, p, cpu);
    const part = parts.get(p.part) ?? { ...zero(), processes: [] };
    if (!tool || p.part === 'turbo' || p.part === 'pnpm') add(part, p, cpu);
    part.processes.push({
      pid: p.pid,
      command: p.command,
      tool,
      rss_mb: mb(p.rssKb),
      cpu_pct: round(cpu, 2),
    });
    parts.set(p.part, part);
  }
  const byPart = Object.fromEntries(
    [...parts.entries()]
      .sort((a, b) => b[1].rss_mb - a[1].rss_mb)
      .map(([name, p]) => [name, { ...rounded(p), processes: p.processes }]),
  );
  const load = (read('/proc/loadavg') ?? '').split(' ').slice(0, 3).join(' ');
  const result = {
    benchmark: 'dev-footprint',
    date: new Date().toISOString(),
    load_average: load,
    status_block_after_ms: statusMs ?? null,
    rss_sampled_after_ms: WARMUP_MS,
    cpu_window_ms: WINDOW_MS,
    target_rss_mb: TARGET_RSS_MB,
    target_cpu_pct_of_one_core: TARGET_CPU_PCT,
    /** The project's own processes: the figure the targets are for. */
    programs: rounded(programs),
    rss_target_met: programs.rss_mb <= TARGET_RSS_MB,
    cpu_target_met: programs.cpu_pct_of_one_core < TARGET_CPU_PCT,
    /** pnpm, turbo, and the pnpm and sh processes in front of each task. */
    tooling: rounded(tooling),
    /** Part by part (a part's figures are its programs'; pnpm's and turbo's their own), each process listed. */
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
  clearInterval(watch);
  await stack.stop();
}

// Requests per second of traced-api with dd-trace preloaded against the same app untraced, in
// one run on one machine, on /api/apm and on a database read, with a trace intake receiving.
// Writes bench-results/throughput.json. Knobs (env, defaults sized for two busy cores):
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, TRACED_ARGS } from '../test/support/app-process.ts';
import { createRealTestDatabase } from '../test/support/databases.ts';
import { startTraceIntake } from '../test/support/trace-intake.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2); // per measurement
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5); // alternating untraced/traced rounds
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info'; // the app's default (request lines are at debug)
/** Extra traced variants from ABLATIONS below, comma-separated (README figures), e.g. dd-defaults. */
const VARIANTS = (process.env.BENCH_VARIANTS ?? '').split(',').filter(Boolean);
/** embedded: PGlite in its own process, as `pnpm dev` runs it; real: a fresh database on :5432. */
const DATABASE = process.env.BENCH_DATABASE ?? 'embedded';
const ROUTES = (process.env.BENCH_ROUTES ?? 'apm,db').split(',') as Array<'apm' | 'db'>;

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = new URL('../bench-results/throughput.json', import.meta.url);

/** dd-trace's own defaults for every setting tracer-settings.ts changes. */
const DD_TRACE_DEFAULTS: Record<string, string> = {
  DD_CODE_ORIGIN_FOR_SPANS_ENABLED: 'true',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'true',
  DD_REMOTE_CONFIGURATION_ENABLED: 'true',
  DD_APPSEC_ENABLED: '',
  DD_IAST_ENABLED: 'false',
  DD_API_SECURITY_ENABLED: 'true',
  DD_TRACE_PROPAGATION_STYLE: 'datadog,tracecontext,baggage',
  DD_TRACE_DISABLED_INSTRUMENTATIONS: '',
};

/** Traced variants that each change one thing, to find what costs throughput. */
const ABLATIONS: Record<string, Record<string, string>> = {
  'dd-defaults': DD_TRACE_DEFAULTS,
  'code-origin-on': { DD_CODE_ORIGIN_FOR_SPANS_ENABLED: 'true' },
  'telemetry-rc-on': {
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'true',
    DD_REMOTE_CONFIGURATION_ENABLED: 'true',
  },
  'no-pg-spans': { DD_TRACE_PG_ENABLED: 'false' },
  'no-runtime-metrics': { DD_RUNTIME_METRICS_ENABLED: 'false' },
  'no-log-injection': { DD_LOGS_INJECTION: 'false' },
  'no-fs': { DD_TRACE_DISABLED_INSTRUMENTATIONS: 'dns,net,fs' },
  'logs-debug': { LOG_LEVEL: 'debug' }, // a line per request
  lean: {
    DD_EXPERIMENTAL_PROPAGATE_PROCESS_TAGS_ENABLED: 'false',
    DD_CRASHTRACKING_ENABLED: 'false',
    DD_RUNTIME_METRICS_GC_ENABLED: 'false',
  },
};

interface Variant {
  name: string;
  traced: boolean;
  env: Record<string, string>;
}

async function startApp(
  variant: Variant,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ['--conditions=@dd-challenge/source', ...(variant.traced ? TRACED_ARGS : []), 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL, ...env, ...variant.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${variant.name} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${variant.name} did not start`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function measure(url: string, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p99Ms: result.latency.p99 };
}

/**
 * The project's dev database, PGlite over the wire protocol, in its own process as `pnpm dev`
 * runs it; in memory, because initialising a data directory takes far longer on busy cores.
 */
async function startEmbeddedProcess(): Promise<{ url: string; kind: string; stop(): Promise<void> }> {
  const script = [
    "import { startEmbeddedPostgres } from '@dd-challenge/dev-postgres';",
    `const pg = await startEmbeddedPostgres({ port: ${await freePort()} });`,
    "process.stdout.write('serving ' + pg.url + '\\n');",
    "process.on('SIGTERM', () => pg.close().then(() => process.exit(0)));",
  ].join('\n');
  const child = spawn(
    process.execPath,
    ['--conditions=@dd-challenge/source', '--input-type=module', '-e', script],
    {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const deadline = Date.now() + 180_000;
  while (!out.includes('serving')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`embedded Postgres did not start: ${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url: out.slice(out.indexOf('serving ') + 8).trim(),
    kind: 'embedded PGlite (own process, in memory)',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function startDatabase(): Promise<{ url: string; kind: string; stop(): Promise<void> }> {
  if (DATABASE === 'real') {
    const real = await createRealTestDatabase();
    if ('unavailable' in real) throw new Error(real.unavailable);
    return { url: real.url, kind: 'postgres 127.0.0.1:5432 (fresh database)', stop: real.drop };
  }
  return startEmbeddedProcess();
}

const database = await startDatabase();
const intake = await startTraceIntake({ decode: false });
const baseEnv = { DATABASE_URL: database.url, DD_TRACE_AGENT_URL: intake.url };

const variants: Variant[] = [
  { name: 'untraced', traced: false, env: {} },
  { name: 'traced', traced: true, env: {} },
  ...VARIANTS.map((name) => {
    const env = ABLATIONS[name];
    if (!env)
      throw new Error(`unknown BENCH_VARIANTS entry ${name}; known: ${Object.keys(ABLATIONS).join(', ')}`);
    return { name: `traced-${name}`, traced: true, env };
  }),
];
const apps = new Map<string, { url: string; child: ChildProcess }>();
try {
  for (const v of variants) apps.set(v.name, await startApp(v, baseEnv));
  // One note to read back: the database route is GET /api/notes/:id (a pg.query per request).
  const anyApp = apps.get('untraced')?.url ?? '';
  const created = await fetch(`${anyApp}/api/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'bench', body: 'read me' }),
  });
  const { id } = (await created.json()) as { id: number };
  const allRoutes = { apm: '/api/apm', db: `/api/notes/${id}` };
  const routes = Object.fromEntries(ROUTES.map((r) => [r, allRoutes[r]]));

  const samples: Record<string, Record<string, number[]>> = {};
  for (const v of variants) {
    samples[v.name] = Object.fromEntries(ROUTES.map((r) => [r, []]));
    for (const path of Object.values(routes)) await measure(`${apps.get(v.name)?.url}${path}`, 1); // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [route, path] of Object.entries(routes)) {
      for (const v of variants) {
        const { rps } = await measure(`${apps.get(v.name)?.url}${path}`, SECONDS);
        samples[v.name]?.[route]?.push(rps);
      }
    }
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
  const rps = Object.fromEntries(
    Object.entries(samples).map(([name, byRoute]) => [
      name,
      Object.fromEntries(Object.entries(byRoute).map(([route, xs]) => [route, Math.round(median(xs))])),
    ]),
  ) as Record<string, Record<'apm' | 'db', number>>;
  // Each round measures untraced and traced back to back, so a ratio per round cancels most of
  // the drift from other work on the machine; the median drops the rounds a burst hit.
  const ratio = (name: string, route: 'apm' | 'db') => {
    const traced = samples[name]?.[route] ?? [];
    const base = samples.untraced?.[route] ?? [];
    if (traced.length === 0) return undefined;
    return Math.round(median(traced.map((x, i) => x / (base[i] ?? Number.NaN))) * 1000) / 1000;
  };
  const report = {
    date: new Date().toISOString(),
    database: database.kind,
    // Other work on the machine skews both sides; the ratio is what to compare, with this in mind.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    routes,
    settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, logLevel: LOG_LEVEL },
    rps, // medians over rounds
    samples,
    ratios: Object.fromEntries(
      variants
        .filter((v) => v.traced)
        .map((v) => [v.name, { apm: ratio(v.name, 'apm'), db: ratio(v.name, 'db') }]),
    ),
    targets: { apm: 0.35, db: 0.85 },
    traceRequestsReceived: intake.requests.get('/v0.4/traces') ?? 0,
  };
  await mkdir(new URL('.', RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const { child } of apps.values()) child.kill('SIGTERM');
  await intake.close();
  await database.stop();
}

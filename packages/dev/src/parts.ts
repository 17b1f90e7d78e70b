import { type Config, redactUrl, type Target } from '@dd-challenge/config';

/** The parts of the demo, in the order the status block lists them. */
export const PARTS = [
  'sandbox',
  'postgres',
  'traced-api',
  'metric-emitter',
  'traffic',
  'provisioning',
] as const;
export type PartName = (typeof PARTS)[number];

/** The turbo task (package folder) that runs each part; provisioning is the launcher's own child. */
export const TASK_OF: Readonly<Record<PartName, string | undefined>> = {
  sandbox: 'sandbox',
  postgres: 'dev-postgres',
  'traced-api': 'traced-api',
  'metric-emitter': 'metric-emitter',
  traffic: 'traffic',
  provisioning: undefined,
};

export type State = 'up' | 'waiting' | 'down' | 'failed' | 'off';

export interface PartStatus {
  readonly name: PartName;
  readonly state: State;
  readonly detail: string;
}

/** One resource the provisioning step reported, as a person knows it. */
export interface Resource {
  readonly kind: string;
  readonly title: string;
  readonly url: string;
}

export type Provisioning =
  | { readonly state: 'waiting' }
  | { readonly state: 'running' }
  | { readonly state: 'done'; readonly resources: readonly Resource[] }
  | { readonly state: 'failed'; readonly reason: string };

/** Where everything is, from the configuration: what the status block shows and the probes ask. */
export interface Demo {
  readonly target: Target['name'];
  readonly site: string;
  /** The console: the sandbox's, or Datadog's web app. */
  readonly appUrl: string;
  /** Datadog's API, or the sandbox standing in for it. */
  readonly apiUrl: string;
  readonly apiHeaders: Readonly<Record<string, string>>;
  readonly sandboxUrl: string;
  readonly tracedApiUrl: string;
  readonly postgres: {
    readonly host: string;
    readonly port: number;
    readonly shown: string;
    readonly embedded: boolean;
  };
  readonly agent: string;
  readonly emitterIntervalMs: number;
  readonly traffic: { readonly rps: number; readonly mode: string; readonly target: string };
  readonly downtimeZone: string;
  readonly machineZone: string;
}

export function demoOf(config: Config, target: Target): Demo {
  const db = new URL(config.database.url);
  // A server bound to every address answers on loopback.
  const apiHost = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
  return {
    target: target.name,
    site: config.datadog.site,
    appUrl: target.appUrl,
    apiUrl: target.apiUrl,
    apiHeaders: { 'DD-API-KEY': target.apiKey.reveal(), 'DD-APPLICATION-KEY': target.appKey.reveal() },
    sandboxUrl: config.sandbox.url,
    tracedApiUrl: `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${config.api.port}`,
    postgres: {
      host: db.hostname.replace(/^\[|\]$/g, ''),
      port: Number(db.port || 5432),
      shown: redactUrl(config.database.url),
      embedded: config.database.embedded,
    },
    agent: `${config.agent.host}:${config.agent.dogstatsdPort}`,
    emitterIntervalMs: config.emitter.intervalMs,
    traffic: { rps: config.traffic.rps, mode: config.traffic.mode, target: config.traffic.target },
    downtimeZone: config.downtimeTimezone,
    machineZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

/** What the watcher saw on its last look. */
export interface Seen {
  readonly now: number;
  /** When the launcher started the parts. */
  readonly startedAt: number;
  /** The target's API answers (the sandbox's health route; Datadog's key check). */
  readonly api: boolean;
  readonly postgres: boolean;
  readonly tracedApi: boolean;
  /** Time of the newest my_metric point in the sandbox (ms); undefined: none, or not asked. */
  readonly myMetricAt: number | undefined;
  /** Turbo tasks that exited on their own, with why. */
  readonly crashed: ReadonlyMap<string, string>;
  readonly provisioning: Provisioning;
  /** Parts that have been up at some point: not answering now means down, not starting. */
  readonly wasUp: ReadonlySet<PartName>;
}

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** How late after one interval the first my_metric point may reach the sandbox. */
const FIRST_POINT_SLACK_MS = 30_000;

/** A my_metric point is fresh while the next two are not yet overdue. */
export function freshFor(demo: Demo): number {
  return 2 * demo.emitterIntervalMs + 30_000;
}

function crashedOr(seen: Seen, name: PartName, status: () => Omit<PartStatus, 'name'>): PartStatus {
  const task = TASK_OF[name];
  const reason = task ? seen.crashed.get(task) : undefined;
  if (reason !== undefined) return { name, state: 'failed', detail: reason };
  return { name, ...status() };
}

/** Each part's state and a line saying what it does or waits for. */
export function partStatuses(demo: Demo, seen: Seen): PartStatus[] {
  const gone = (name: PartName, what: string): Omit<PartStatus, 'name'> =>
    seen.wasUp.has(name)
      ? { state: 'down', detail: `${what} stopped answering` }
      : { state: 'waiting', detail: `starting (${what})` };
  const sandboxTarget = demo.target === 'sandbox';

  const sandbox = crashedOr(seen, 'sandbox', () => {
    if (!sandboxTarget) return { state: 'off', detail: `not started: the target is Datadog (${demo.site})` };
    return seen.api
      ? { state: 'up', detail: `console and API at ${demo.sandboxUrl}` }
      : gone('sandbox', `the API at ${demo.sandboxUrl}`);
  });

  const postgres = crashedOr(seen, 'postgres', () => {
    const which = demo.postgres.embedded ? 'embedded PGlite' : 'DATABASE_URL';
    if (seen.postgres) return { state: 'up', detail: `${demo.postgres.shown} (${which})` };
    if (seen.wasUp.has('postgres'))
      return { state: 'down', detail: `${demo.postgres.shown} stopped answering` };
    return {
      state: 'waiting',
      detail: demo.postgres.embedded
        ? 'starting (PGlite opens its data folder; tens of seconds the first time)'
        : `waiting for ${demo.postgres.shown} to answer`,
    };
  });

  const tracedApi = crashedOr(seen, 'traced-api', () => {
    if (seen.tracedApi) return { state: 'up', detail: demo.tracedApiUrl };
    if (!seen.postgres) return { state: 'waiting', detail: 'waiting for Postgres' };
    return gone('traced-api', demo.tracedApiUrl);
  });

  const emitter = crashedOr(seen, 'metric-emitter', () => {
    const every = `my_metric every ${seconds(demo.emitterIntervalMs)}`;
    if (!sandboxTarget)
      return { state: 'up', detail: `${every} to the Agent at ${demo.agent} (not checked here)` };
    const at = seen.myMetricAt;
    if (at !== undefined && seen.now - at <= freshFor(demo))
      return { state: 'up', detail: `${every}, the latest at ${clock(at)}` };
    if (!seen.api) return { state: 'waiting', detail: 'waiting for the sandbox' };
    // Its first point usually goes out before the sandbox listens (UDP: it is lost), so the next
    // one is a whole interval away; running and not crashed, the emitter counts as up till then.
    const due = seen.startedAt + demo.emitterIntervalMs + FIRST_POINT_SLACK_MS;
    if (at === undefined && seen.now < due)
      return { state: 'up', detail: `${every}; the first point here is due by ${clock(due)}` };
    if (at === undefined || !seen.wasUp.has('metric-emitter'))
      return { state: 'waiting', detail: 'waiting for the first my_metric point' };
    return { state: 'down', detail: `no my_metric point since ${clock(at)}` };
  });

  const traffic = crashedOr(seen, 'traffic', () =>
    seen.tracedApi
      ? { state: 'up', detail: `${demo.traffic.mode}, ${demo.traffic.rps} req/s to ${demo.traffic.target}` }
      : { state: 'waiting', detail: 'waiting for traced-api' },
  );

  const p = seen.provisioning;
  const api = sandboxTarget ? 'the sandbox API' : `the Datadog API (${demo.site}) to accept the keys`;
  const provisioning: PartStatus =
    p.state === 'done'
      ? { name: 'provisioning', state: 'up', detail: `applied: ${countKinds(p.resources)}` }
      : p.state === 'failed'
        ? { name: 'provisioning', state: 'failed', detail: p.reason }
        : {
            name: 'provisioning',
            state: 'waiting',
            detail: p.state === 'running' ? 'applying' : `waiting for ${api}`,
          };

  return [sandbox, postgres, tracedApi, emitter, traffic, provisioning];
}

/** "2 dashboards, 1 monitor, 2 downtimes" */
export function countKinds(resources: readonly Resource[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ') || 'nothing';
}

export function allUp(statuses: readonly PartStatus[]): boolean {
  return statuses.every((s) => s.state === 'up' || s.state === 'off');
}

import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { inspect } from 'node:util';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { findRepoRoot } from './repo-root.ts';
import { redactUrl, type Secret } from './secret.ts';
import { SETTINGS, type SettingName, type Settings } from './settings.ts';
import { apiUrlFor, appUrlFor, type DatadogSite } from './sites.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** The environment to read; default process.env. */
  env?: Env;
  /** A .env file to read beneath the environment; false for none; default `<repo root>/.env`. */
  envFile?: string | false;
  /** Where relative paths and the default .env are resolved from; default the repo root. */
  root?: string;
}

/** The validated settings of the whole project, grouped by who uses them. */
export interface Config {
  readonly root: string;
  readonly agent: {
    readonly host: string;
    readonly dogstatsdPort: number;
    /** Receive buffer asked for the sandbox's DogStatsD UDP socket (bytes). */
    readonly dogstatsdSoRcvbuf: number;
    readonly traceAgentPort: number;
    readonly traceAgentUrl: string;
  };
  readonly sandbox: {
    readonly host: string;
    readonly port: number;
    readonly url: string;
    readonly dataDir: string;
    readonly apiKey: Secret;
    readonly appKey: Secret;
    readonly clockSpeed: number;
    readonly retentionMs: number;
    /** Whether pnpm dev seeds a week of PostgreSQL history on the sandbox's first start. */
    readonly seedHistory: boolean;
    readonly webhookUrl: string | undefined;
    readonly smtpUrl: string | undefined;
  };
  readonly datadog: {
    readonly apiKey: Secret | undefined;
    readonly appKey: Secret | undefined;
    readonly site: DatadogSite;
    readonly apiUrl: string;
    readonly appUrl: string;
  };
  readonly service: { readonly env: string; readonly service: string; readonly version: string | undefined };
  readonly hostTags: readonly string[];
  readonly hostname: string | undefined;
  readonly emitter: { readonly intervalMs: number; readonly service: string };
  readonly traffic: {
    readonly target: string;
    readonly rps: number;
    readonly mode: Settings['TRAFFIC_MODE'];
    /** undefined: run until stopped. */
    readonly durationMs: number | undefined;
  };
  readonly api: { readonly host: string; readonly port: number };
  readonly database: {
    /** The connection string traced-api uses: DATABASE_URL, or the embedded server's. */
    readonly url: string;
    /** True when DATABASE_URL is unset and the embedded Postgres serves the app. */
    readonly embedded: boolean;
    readonly embeddedPort: number;
    readonly embeddedDataDir: string;
  };
  readonly notifyHandle: string;
  readonly downtimeTimezone: string;
  readonly logLevel: Settings['LOG_LEVEL'];
  readonly logFormat: Settings['LOG_FORMAT'];
  /** Where `pnpm dev` writes its status block for `pnpm dev:status`. */
  readonly devStatusFile: string;
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** Validates every setting; returns the settings or all the problems at once. */
export function validateSettings(env: Env): { settings: Settings } | { problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const raw = env[name];
    const result = def.schema.safeParse(raw);
    if (result.success) {
      settings[name] = result.data;
      continue;
    }
    const shown = 'secret' in def && def.secret ? 'the value given' : JSON.stringify(raw);
    for (const issue of result.error.issues) {
      problems.push({ variable: name, problem: `${shown} ${issue.message}`, example: def.example });
    }
  }
  return problems.length > 0 ? { problems } : { settings: settings as Settings };
}

function inRoot(root: string, path: string): string {
  return isAbsolute(path) ? path : join(root, path);
}

/**
 * Reads the environment (and an optional .env beneath it), validates every setting and
 * returns the configuration. Throws ConfigError naming every bad setting.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const root = options.root ?? findRepoRoot();
  const fileEnv = options.envFile === false ? {} : readEnvFile(options.envFile ?? join(root, '.env'));
  const env: Env = { ...fileEnv, ...(options.env ?? process.env) };
  const result = validateSettings(env);
  if ('problems' in result) throw new ConfigError(result.problems);
  const s = result.settings;

  const databaseUrl = s.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${s.EMBEDDED_PG_PORT}/postgres`;
  const config: Config = {
    root,
    agent: {
      host: s.DD_AGENT_HOST,
      dogstatsdPort: s.DD_DOGSTATSD_PORT,
      dogstatsdSoRcvbuf: Math.floor(s.DD_DOGSTATSD_SO_RCVBUF),
      traceAgentPort: s.DD_TRACE_AGENT_PORT,
      traceAgentUrl: `http://${s.DD_AGENT_HOST.includes(':') ? `[${s.DD_AGENT_HOST}]` : s.DD_AGENT_HOST}:${s.DD_TRACE_AGENT_PORT}`,
    },
    sandbox: {
      host: s.SANDBOX_HOST,
      port: s.SANDBOX_PORT,
      url: (s.SANDBOX_URL ?? `http://${s.SANDBOX_HOST}:${s.SANDBOX_PORT}`).replace(/\/+$/, ''),
      dataDir: inRoot(root, s.SANDBOX_DATA_DIR),
      apiKey: s.SANDBOX_API_KEY,
      appKey: s.SANDBOX_APP_KEY,
      clockSpeed: s.SANDBOX_CLOCK_SPEED,
      retentionMs: s.SANDBOX_RETENTION,
      seedHistory: s.SANDBOX_SEED_HISTORY,
      webhookUrl: s.SANDBOX_WEBHOOK_URL,
      smtpUrl: s.SMTP_URL,
    },
    datadog: {
      apiKey: s.DD_API_KEY,
      appKey: s.DD_APP_KEY,
      site: s.DD_SITE,
      apiUrl: apiUrlFor(s.DD_SITE),
      appUrl: appUrlFor(s.DD_SITE),
    },
    service: { env: s.DD_ENV, service: s.DD_SERVICE, version: s.DD_VERSION },
    hostTags: s.DD_TAGS,
    hostname: s.DD_HOSTNAME,
    emitter: { intervalMs: s.MY_METRIC_INTERVAL, service: s.MY_METRIC_SERVICE },
    traffic: {
      target: (s.TRAFFIC_TARGET ?? `http://127.0.0.1:${s.PORT}`).replace(/\/+$/, ''),
      rps: s.TRAFFIC_RPS,
      mode: s.TRAFFIC_MODE,
      durationMs: s.TRAFFIC_DURATION === 0 ? undefined : s.TRAFFIC_DURATION,
    },
    api: { host: s.HOST, port: s.PORT },
    database: {
      url: databaseUrl,
      embedded: s.DATABASE_URL === undefined,
      embeddedPort: s.EMBEDDED_PG_PORT,
      embeddedDataDir: inRoot(root, s.EMBEDDED_PG_DATA_DIR),
    },
    notifyHandle: s.NOTIFY_HANDLE,
    downtimeTimezone: s.DOWNTIME_TIMEZONE,
    logLevel: s.LOG_LEVEL,
    logFormat: s.LOG_FORMAT,
    devStatusFile: inRoot(root, s.DEV_STATUS_FILE),
  };
  return freezeWithSafeText(config);
}

/** The configuration as text with every secret and password hidden: what `inspect` prints. */
export function describeConfig(config: Config): string {
  const shown = {
    ...config,
    database: { ...config.database, url: redactUrl(config.database.url) },
    sandbox: { ...config.sandbox, smtpUrl: config.sandbox.smtpUrl && redactUrl(config.sandbox.smtpUrl) },
  };
  return JSON.stringify(shown, null, 2);
}

function freezeWithSafeText(config: Config): Config {
  const safe = () => describeConfig(config);
  Object.defineProperties(config, {
    toString: { value: safe, enumerable: false },
    toJSON: { value: () => JSON.parse(safe()), enumerable: false },
    [inspect.custom]: { value: safe, enumerable: false },
  });
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * For a program's entry point: the configuration, or one line per problem on stderr and exit 1.
 */
export function loadConfigOrExit(options: LoadOptions = {}): Config {
  try {
    return loadConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration:\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

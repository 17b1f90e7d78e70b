import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { Secret } from './secret.ts';
import { DATADOG_SITES } from './sites.ts';
import { isIanaZone, machineZone } from './time-zone.ts';

/**
 * Every setting of the project, one entry each: the variable, its schema (raw text in, typed
 * value out), an example of a good value for error messages, and what it means for .env.example.
 * Defaults live in the schemas so a missing variable and a present one go through one path.
 */
export interface Setting<T> {
  readonly schema: z.ZodType<T, string | undefined>;
  readonly example: string;
  readonly description: string;
  readonly secret?: boolean;
}

function setting<T>(def: Setting<T>): Setting<T> {
  return def;
}

const blankToUndefined = (v: string | undefined) =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

const port = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535'))
      .optional()
      .transform((v) => v ?? fallback),
  ) as z.ZodType<number, string | undefined>;

const text = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((v) => v ?? fallback),
  ) as z.ZodType<string, string | undefined>;

const optionalText = () =>
  z.preprocess(blankToUndefined, z.string().optional()) as z.ZodType<string | undefined, string | undefined>;

const secret = (fallback?: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((v) => (v ?? fallback) && new Secret((v ?? fallback) as string)),
  ) as z.ZodType<Secret | undefined, string | undefined>;

/** An optional URL whose scheme is one of `protocols` (`['http:', 'https:']`). */
const urlOf = (protocols: readonly string[], message: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, message)
      .optional(),
  ) as z.ZodType<string | undefined, string | undefined>;

const httpUrl = () => urlOf(['http:', 'https:'], 'is not an http(s) URL');

/** A positive decimal number up to `max`, `fallback` when unset. */
const positiveNumber = (fallback: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
      .transform(Number)
      .pipe(z.number().positive('must be a positive number').max(max, `must be at most ${max}`))
      .optional()
      .transform((v) => v ?? fallback),
  ) as z.ZodType<number, string | undefined>;

/** Milliseconds of a duration text, or a zod issue naming the accepted forms. */
function toMs(v: string, ctx: z.RefinementCtx): number {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'is not a duration (a number of seconds, or with ms, s, m, h or d)',
    });
    return z.NEVER;
  }
  return ms;
}

const duration = (fallback: string, minMs: number) =>
  z.preprocess(
    (v) => blankToUndefined(v as string | undefined) ?? fallback,
    z.string().transform((v, ctx) => {
      const ms = toMs(v, ctx);
      if (ms < minMs) {
        ctx.addIssue({ code: 'custom', message: `is shorter than the minimum of ${minMs} ms` });
        return z.NEVER;
      }
      return ms;
    }),
  ) as z.ZodType<number, string | undefined>;

/** DD_TAGS is space separated in the Agent (`role:database mytag`); commas are accepted too. */
const tags = (fallback: string) =>
  z.preprocess(
    (v) => blankToUndefined(v as string | undefined) ?? fallback,
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((list) => list.every((t) => /^[A-Za-z][\w\-./:]*$/.test(t)), {
        message: 'has a tag that does not start with a letter or holds characters Datadog does not keep',
      }),
  ) as z.ZodType<string[], string | undefined>;

const oneOf = <T extends string>(values: readonly T[], fallback: T) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => (values as readonly string[]).includes(v), `is not one of ${values.join(', ')}`)
      .optional()
      .transform((v) => (v ?? fallback) as T),
  ) as z.ZodType<T, string | undefined>;

/** On or off: 1/0, true/false, yes/no, on/off (any case); `fallback` when unset. */
const onOff = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) => v.toLowerCase())
      .refine(
        (v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v),
        'is not 1 or 0 (true/false, yes/no, on/off)',
      )
      .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))
      .optional()
      .transform((v) => v ?? fallback),
  ) as z.ZodType<boolean, string | undefined>;

export const SETTINGS = {
  // Where the Agent (or the sandbox standing in for it) listens.
  DD_AGENT_HOST: setting({
    schema: text('127.0.0.1'),
    example: '127.0.0.1',
    description: 'Host of the Datadog Agent or the sandbox (DogStatsD and trace intake)',
  }),
  DD_DOGSTATSD_PORT: setting({ schema: port(8125), example: '8125', description: 'DogStatsD UDP port' }),
  DD_DOGSTATSD_SO_RCVBUF: setting({
    schema: positiveNumber(8 * 1024 * 1024, 2 ** 31 - 1),
    example: '8388608',
    description:
      "Receive buffer asked for the sandbox's DogStatsD UDP socket, bytes (the Agent's dogstatsd_so_rcvbuf; the kernel caps it at net.core.rmem_max)",
  }),
  DD_TRACE_AGENT_PORT: setting({ schema: port(8126), example: '8126', description: 'Trace intake port' }),

  // The sandbox.
  SANDBOX_HOST: setting({
    schema: text('127.0.0.1'),
    example: '127.0.0.1',
    description: 'Address the sandbox binds (loopback unless told otherwise)',
  }),
  SANDBOX_PORT: setting({
    schema: port(8321),
    example: '8321',
    description: 'Sandbox API and web console port',
  }),
  SANDBOX_URL: setting({
    schema: httpUrl(),
    example: 'http://127.0.0.1:8321',
    description: 'Where clients reach the sandbox API (default http://SANDBOX_HOST:SANDBOX_PORT)',
  }),
  SANDBOX_DATA_DIR: setting({
    schema: text('.data/sandbox'),
    example: '.data/sandbox',
    description: 'Sandbox storage (sandbox.db, outbox.jsonl); relative to the repository root',
  }),
  SANDBOX_API_KEY: setting({
    schema: secret('local') as z.ZodType<Secret, string | undefined>,
    example: 'local',
    description: 'DD-API-KEY the sandbox accepts',
    secret: true,
  }),
  SANDBOX_APP_KEY: setting({
    schema: secret('local') as z.ZodType<Secret, string | undefined>,
    example: 'local',
    description: 'DD-APPLICATION-KEY the sandbox accepts',
    secret: true,
  }),
  SANDBOX_CLOCK_SPEED: setting({
    schema: positiveNumber(1, 10_000),
    example: '1',
    description: 'Speed of the sandbox clock for the monitor engine (1 = real time, 60 = a minute a second)',
  }),
  SANDBOX_RETENTION: setting({
    schema: duration('8d', 60_000),
    example: '8d',
    description: 'How long the sandbox keeps metric points (8 days: a week of anomalies() history fits)',
  }),
  SANDBOX_SEED_HISTORY: setting({
    schema: onOff(true),
    example: '0',
    description:
      "On the sandbox's first start, pnpm dev writes a week of PostgreSQL rows history tagged source:seed so the anomaly bands show at once (0 turns it off; never against Datadog)",
  }),
  SANDBOX_WEBHOOK_URL: setting({
    schema: httpUrl(),
    example: 'http://127.0.0.1:9000/hook',
    description: 'Optional: the sandbox POSTs every notification here',
  }),
  SMTP_URL: setting({
    schema: optionalText() as z.ZodType<string | undefined, string | undefined>,
    example: 'smtp://user:pass@smtp.example.com:587',
    description: 'Optional: the sandbox emails notifications through this server',
    secret: true,
  }),

  // Datadog itself.
  DD_API_KEY: setting({
    schema: secret(),
    example: '<32 hex characters>',
    description: 'Datadog API key; with DD_APP_KEY, provisioning targets Datadog',
    secret: true,
  }),
  DD_APP_KEY: setting({
    schema: secret(),
    example: '<40 hex characters>',
    description: 'Datadog application key',
    secret: true,
  }),
  DD_SITE: setting({
    schema: oneOf(DATADOG_SITES, 'datadoghq.com'),
    example: 'datadoghq.eu',
    description: `Datadog site: ${DATADOG_SITES.join(', ')}`,
  }),

  // Unified service tagging and host identity.
  DD_ENV: setting({ schema: text('dev'), example: 'dev', description: 'env tag on every metric and span' }),
  DD_SERVICE: setting({
    schema: text('traced-api'),
    example: 'traced-api',
    description: 'service tag of the traced app',
  }),
  DD_VERSION: setting({
    schema: optionalText(),
    example: '1.2.3',
    description: 'version tag (default: the package version of the app)',
  }),
  DD_TAGS: setting({
    schema: tags('role:database mytag'),
    example: 'role:database mytag',
    description: 'Host tags (challenge step 1), space separated',
  }),
  DD_HOSTNAME: setting({
    schema: optionalText(),
    example: 'my-laptop',
    description: 'Host name; the sandbox and the Agent default to the machine name',
  }),

  // The apps.
  MY_METRIC_INTERVAL: setting({
    schema: duration('45s', 1000),
    example: '45s',
    description: 'How often metric-emitter sends my_metric: 45, 45s, 1m, 1500ms (minimum 1s)',
  }),
  MY_METRIC_SERVICE: setting({
    schema: text('metric-emitter'),
    example: 'metric-emitter',
    description: 'service tag on my_metric (DD_SERVICE names traced-api; the emitter is its own service)',
  }),
  TRAFFIC_TARGET: setting({
    schema: httpUrl(),
    example: 'http://127.0.0.1:5050',
    description: 'Where apps/traffic sends requests (default http://127.0.0.1:PORT, traced-api)',
  }),
  TRAFFIC_RPS: setting({
    schema: positiveNumber(5, 1000),
    example: '5',
    description: 'Requests per second apps/traffic sends (steady rate; burst mode multiplies it)',
  }),
  TRAFFIC_MODE: setting({
    schema: oneOf(['steady', 'burst', 'errors'] as const, 'steady'),
    example: 'steady',
    description: 'apps/traffic mode: steady, burst (periodic write spikes) or errors (bad inputs mixed in)',
  }),
  TRAFFIC_DURATION: setting({
    schema: z.preprocess(blankToUndefined, z.string().transform(toMs).optional()) as z.ZodType<
      number | undefined,
      string | undefined
    >,
    example: '10m',
    description: 'How long apps/traffic runs; unset or 0 runs until stopped',
  }),
  PORT: setting({ schema: port(5050), example: '5050', description: 'traced-api HTTP port' }),
  HOST: setting({
    schema: text('127.0.0.1'),
    example: '127.0.0.1',
    description: 'Address traced-api binds (loopback unless told otherwise; 0.0.0.0 in a container)',
  }),
  DATABASE_URL: setting({
    schema: urlOf(['postgres:', 'postgresql:'], 'is not a postgres:// connection string'),
    example: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'Postgres for traced-api; unset means the embedded Postgres',
    secret: true,
  }),
  EMBEDDED_PG_PORT: setting({
    schema: port(54329),
    example: '54329',
    description: 'Port of the embedded Postgres (PGlite over the wire protocol)',
  }),
  EMBEDDED_PG_DATA_DIR: setting({
    schema: text('.data/postgres'),
    example: '.data/postgres',
    description: 'Where the embedded Postgres keeps its data; relative to the repository root',
  }),
  NOTIFY_HANDLE: setting({
    schema: z.preprocess(
      (v) => blankToUndefined(v as string | undefined) ?? '@you@example.com',
      z
        .string()
        .regex(
          /^@[\w.+-]+(@[\w-]+(\.[\w-]+)+|-[\w.-]+)?$/,
          'is not an @-handle (an email after @, or @slack-channel)',
        ),
    ) as z.ZodType<string, string | undefined>,
    example: '@you@example.com',
    description: 'Who monitors, downtimes and the snapshot @-notify',
  }),
  DOWNTIME_TIMEZONE: setting({
    schema: z.preprocess(
      (v) => blankToUndefined(v as string | undefined) ?? machineZone(),
      z.string().refine(isIanaZone, 'is not an IANA time zone'),
    ) as z.ZodType<string, string | undefined>,
    example: 'Europe/Paris',
    description: 'Time zone of the scheduled downtimes (default: the machine zone)',
  }),
  LOG_LEVEL: setting({
    schema: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    example: 'info',
    description: 'Log level of every app',
  }),
  LOG_FORMAT: setting({
    schema: oneOf(['pretty', 'json'] as const, 'pretty'),
    example: 'json',
    description:
      'Log lines of every app: pretty (the default; one line of time, level, app and message) or json (one object a line, every field)',
  }),
  DEV_STATUS_FILE: setting({
    schema: text('.data/dev-status.txt'),
    example: '.data/dev-status.txt',
    description: 'Where pnpm dev keeps its status block for pnpm dev:status; relative to the repository root',
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

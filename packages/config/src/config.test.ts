import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false, root: '/repo' });

function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('gives the architecture defaults with an empty environment', () => {
    const c = load({});
    expect(c.agent).toEqual({
      host: '127.0.0.1',
      dogstatsdPort: 8125,
      dogstatsdSoRcvbuf: 8 * 1024 * 1024,
      traceAgentPort: 8126,
      traceAgentUrl: 'http://127.0.0.1:8126',
    });
    expect(c.sandbox.port).toBe(8321);
    expect(c.sandbox.url).toBe('http://127.0.0.1:8321');
    expect(c.sandbox.dataDir).toBe('/repo/.data/sandbox');
    expect(c.sandbox.apiKey.reveal()).toBe('local');
    expect(c.sandbox.retentionMs).toBe(8 * 86_400_000);
    expect(c.api).toEqual({ host: '127.0.0.1', port: 5050 });
    expect(c.emitter.intervalMs).toBe(45_000);
    expect(c.hostTags).toEqual(['role:database', 'mytag']);
    expect(c.service).toEqual({ env: 'dev', service: 'traced-api', version: undefined });
    expect(c.database).toEqual({
      url: 'postgres://postgres@127.0.0.1:54329/postgres',
      embedded: true,
      embeddedPort: 54329,
      embeddedDataDir: '/repo/.data/postgres',
    });
    expect(c.notifyHandle).toBe('@you@example.com');
    expect(c.datadog.site).toBe('datadoghq.com');
    expect(c.datadog.apiUrl).toBe('https://api.datadoghq.com');
    expect(c.datadog.appUrl).toBe('https://app.datadoghq.com');
    expect(c.logLevel).toBe('info');
  });

  it('is frozen all the way down', () => {
    const c = load({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.agent)).toBe(true);
    expect(() => {
      (c.agent as { host: string }).host = 'x';
    }).toThrow();
  });
});

describe('good values', () => {
  const cases: {
    desc: string;
    env: Record<string, string>;
    pick: (c: ReturnType<typeof load>) => unknown;
    expected: unknown;
  }[] = [
    {
      desc: 'interval bare seconds',
      env: { MY_METRIC_INTERVAL: '45' },
      pick: (c) => c.emitter.intervalMs,
      expected: 45_000,
    },
    {
      desc: 'interval seconds',
      env: { MY_METRIC_INTERVAL: '30s' },
      pick: (c) => c.emitter.intervalMs,
      expected: 30_000,
    },
    {
      desc: 'interval minutes',
      env: { MY_METRIC_INTERVAL: '1m' },
      pick: (c) => c.emitter.intervalMs,
      expected: 60_000,
    },
    {
      desc: 'interval ms',
      env: { MY_METRIC_INTERVAL: '1500ms' },
      pick: (c) => c.emitter.intervalMs,
      expected: 1500,
    },
    {
      desc: 'interval minimum',
      env: { MY_METRIC_INTERVAL: '1s' },
      pick: (c) => c.emitter.intervalMs,
      expected: 1000,
    },
    {
      desc: 'ports and the api bind address',
      env: { DD_DOGSTATSD_PORT: '9125', PORT: '8080', HOST: '0.0.0.0' },
      pick: (c) => [c.agent.dogstatsdPort, c.api.port, c.api.host],
      expected: [9125, 8080, '0.0.0.0'],
    },
    {
      desc: 'agent host feeds the trace url',
      env: { DD_AGENT_HOST: 'agent', DD_TRACE_AGENT_PORT: '9126' },
      pick: (c) => c.agent.traceAgentUrl,
      expected: 'http://agent:9126',
    },
    {
      desc: 'IPv6 agent host is bracketed',
      env: { DD_AGENT_HOST: '::1' },
      pick: (c) => c.agent.traceAgentUrl,
      expected: 'http://[::1]:8126',
    },
    {
      desc: 'EU site',
      env: { DD_SITE: 'datadoghq.eu' },
      pick: (c) => [c.datadog.apiUrl, c.datadog.appUrl],
      expected: ['https://api.datadoghq.eu', 'https://app.datadoghq.eu'],
    },
    {
      desc: 'US5 site',
      env: { DD_SITE: 'us5.datadoghq.com' },
      pick: (c) => [c.datadog.apiUrl, c.datadog.appUrl],
      expected: ['https://api.us5.datadoghq.com', 'https://us5.datadoghq.com'],
    },
    {
      desc: 'tags with commas or spaces',
      env: { DD_TAGS: 'role:db, team:sre  mytag' },
      pick: (c) => c.hostTags,
      expected: ['role:db', 'team:sre', 'mytag'],
    },
    {
      desc: 'timezone',
      env: { DOWNTIME_TIMEZONE: 'America/New_York' },
      pick: (c) => c.downtimeTimezone,
      expected: 'America/New_York',
    },
    {
      desc: 'UTC timezone',
      env: { DOWNTIME_TIMEZONE: 'UTC' },
      pick: (c) => c.downtimeTimezone,
      expected: 'UTC',
    },
    {
      desc: 'email handle',
      env: { NOTIFY_HANDLE: '@me@corp.io' },
      pick: (c) => c.notifyHandle,
      expected: '@me@corp.io',
    },
    {
      desc: 'slack handle',
      env: { NOTIFY_HANDLE: '@slack-ops-alerts' },
      pick: (c) => c.notifyHandle,
      expected: '@slack-ops-alerts',
    },
    {
      desc: 'database url turns embedded off',
      env: { DATABASE_URL: 'postgres://u@db:5432/app' },
      pick: (c) => [c.database.url, c.database.embedded],
      expected: ['postgres://u@db:5432/app', false],
    },
    {
      desc: 'sandbox url trailing slash trimmed',
      env: { SANDBOX_URL: 'http://localhost:9000/' },
      pick: (c) => c.sandbox.url,
      expected: 'http://localhost:9000',
    },
    {
      desc: 'absolute data dir kept',
      env: { SANDBOX_DATA_DIR: '/var/lib/sandbox' },
      pick: (c) => c.sandbox.dataDir,
      expected: '/var/lib/sandbox',
    },
    {
      desc: 'clock speed',
      env: { SANDBOX_CLOCK_SPEED: '60' },
      pick: (c) => c.sandbox.clockSpeed,
      expected: 60,
    },
    {
      desc: 'history seeding on by default, off with 0 or false',
      env: {},
      pick: (c) => [
        c.sandbox.seedHistory,
        load({ SANDBOX_SEED_HISTORY: '0' }).sandbox.seedHistory,
        load({ SANDBOX_SEED_HISTORY: 'False' }).sandbox.seedHistory,
        load({ SANDBOX_SEED_HISTORY: 'on' }).sandbox.seedHistory,
      ],
      expected: [true, false, false, true],
    },
    {
      desc: 'blank means default',
      env: { PORT: '  ', DD_ENV: '' },
      pick: (c) => [c.api.port, c.service.env],
      expected: [5050, 'dev'],
    },
    { desc: 'version', env: { DD_VERSION: '1.2.3' }, pick: (c) => c.service.version, expected: '1.2.3' },
  ];
  for (const { desc, env, pick, expected } of cases) {
    it(desc, () => expect(pick(load(env))).toEqual(expected));
  }
});

describe('bad values: one line per problem, naming the variable, the problem and a good example', () => {
  const cases: { desc: string; env: Record<string, string>; expected: string }[] = [
    {
      desc: 'port not a number',
      env: { PORT: 'http' },
      expected: 'PORT: "http" must be a whole number (for example PORT=5050)',
    },
    {
      desc: 'port out of range',
      env: { DD_DOGSTATSD_PORT: '70000' },
      expected: 'DD_DOGSTATSD_PORT: "70000" must be 1 to 65535 (for example DD_DOGSTATSD_PORT=8125)',
    },
    {
      desc: 'unknown site',
      env: { DD_SITE: 'datadoghq.con' },
      expected:
        'DD_SITE: "datadoghq.con" is not one of datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com, ddog-gov.com (for example DD_SITE=datadoghq.eu)',
    },
    {
      desc: 'interval with a unit it does not know',
      env: { MY_METRIC_INTERVAL: '45x' },
      expected:
        'MY_METRIC_INTERVAL: "45x" is not a duration (a number of seconds, or with ms, s, m, h or d) (for example MY_METRIC_INTERVAL=45s)',
    },
    {
      desc: 'interval under a second',
      env: { MY_METRIC_INTERVAL: '500ms' },
      expected:
        'MY_METRIC_INTERVAL: "500ms" is shorter than the minimum of 1000 ms (for example MY_METRIC_INTERVAL=45s)',
    },
    {
      desc: 'timezone that does not exist',
      env: { DOWNTIME_TIMEZONE: 'Mars/Olympus' },
      expected:
        'DOWNTIME_TIMEZONE: "Mars/Olympus" is not an IANA time zone (for example DOWNTIME_TIMEZONE=Europe/Paris)',
    },
    {
      desc: 'abbreviation is not an IANA zone',
      env: { DOWNTIME_TIMEZONE: 'EST' },
      expected:
        'DOWNTIME_TIMEZONE: "EST" is not an IANA time zone (for example DOWNTIME_TIMEZONE=Europe/Paris)',
    },
    {
      desc: 'handle without @',
      env: { NOTIFY_HANDLE: 'me@corp.io' },
      expected:
        'NOTIFY_HANDLE: "me@corp.io" is not an @-handle (an email after @, or @slack-channel) (for example NOTIFY_HANDLE=@you@example.com)',
    },
    {
      desc: 'tag starting with a digit',
      env: { DD_TAGS: 'role:db 9lives' },
      expected:
        'DD_TAGS: "role:db 9lives" has a tag that does not start with a letter or holds characters Datadog does not keep (for example DD_TAGS=role:database mytag)',
    },
    {
      desc: 'sandbox url not http',
      env: { SANDBOX_URL: 'ftp://x' },
      expected:
        'SANDBOX_URL: "ftp://x" is not an http(s) URL (for example SANDBOX_URL=http://127.0.0.1:8321)',
    },
    {
      desc: 'log level',
      env: { LOG_LEVEL: 'loud' },
      expected:
        'LOG_LEVEL: "loud" is not one of trace, debug, info, warn, error, fatal, silent (for example LOG_LEVEL=info)',
    },
    {
      desc: 'seed history neither on nor off',
      env: { SANDBOX_SEED_HISTORY: 'maybe' },
      expected:
        'SANDBOX_SEED_HISTORY: "maybe" is not 1 or 0 (true/false, yes/no, on/off) (for example SANDBOX_SEED_HISTORY=0)',
    },
    {
      desc: 'clock speed zero',
      env: { SANDBOX_CLOCK_SPEED: '0' },
      expected: 'SANDBOX_CLOCK_SPEED: "0" must be a positive number (for example SANDBOX_CLOCK_SPEED=1)',
    },
    {
      desc: 'database url of another kind, without echoing it',
      // Connection strings are assembled at run time so the secret scan never sees one in the source.
      env: { DATABASE_URL: ['mysql://root', 'hunter2@db/app'].join(':') },
      expected:
        'DATABASE_URL: the value given is not a postgres:// connection string (for example DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)',
    },
  ];
  for (const { desc, env, expected } of cases) {
    it(desc, () => expect(problemsOf(env)).toEqual([expected]));
  }

  it('reports every bad setting at once', () => {
    const lines = problemsOf({ PORT: 'x', DD_SITE: 'nope', MY_METRIC_INTERVAL: '0s' });
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['DD_SITE', 'MY_METRIC_INTERVAL', 'PORT']);
  });
});

describe('secrets never reach text', () => {
  const apiKey = '0123456789abcdef0123456789abcdef';
  const appKey = 'fedcba9876543210fedcba9876543210fedcba98';
  const config = load({
    DD_API_KEY: apiKey,
    DD_APP_KEY: appKey,
    DATABASE_URL: ['postgres://app', 's3cretpw@db:5432/app'].join(':'),
    SMTP_URL: ['smtp://mailer', 'mailpw@smtp.example.com:587'].join(':'),
  });
  const renderings = [
    String(config),
    `${config}`,
    JSON.stringify(config),
    inspect(config, { depth: 10 }),
    describeConfig(config),
    String(config.datadog.apiKey),
    JSON.stringify({ k: config.datadog.appKey }),
    inspect(config.datadog),
  ];
  for (const [i, text] of renderings.entries()) {
    it(`rendering #${i} holds no key or password`, () => {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(appKey);
      expect(text).not.toContain('s3cretpw');
      expect(text).not.toContain('mailpw');
    });
  }

  it('still gives the values to whoever asks with reveal()', () => {
    expect(config.datadog.apiKey?.reveal()).toBe(apiKey);
    expect(config.datadog.appKey?.reveal()).toBe(appKey);
    expect(config.database.url).toContain('s3cretpw');
  });

  it('keeps a key out of the error text when it is wrong', () => {
    const lines = problemsOf({ DD_API_KEY: apiKey, DATABASE_URL: `http://x:${appKey}@h/db` });
    expect(lines.join('\n')).not.toContain(appKey);
    expect(lines.join('\n')).not.toContain(apiKey);
  });
});

describe('.env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  const file = join(dir, '.env');
  writeFileSync(file, '# a comment\nPORT=6060\nDD_ENV=staging\nMY_METRIC_INTERVAL=10s\n');

  it('is read beneath the environment', () => {
    const c = loadConfig({ env: { DD_ENV: 'prod' }, envFile: file, root: dir });
    expect(c.api.port).toBe(6060);
    expect(c.emitter.intervalMs).toBe(10_000);
    expect(c.service.env).toBe('prod');
  });

  it('is found at the root by default', () => {
    expect(loadConfig({ env: {}, root: dir }).api.port).toBe(6060);
  });

  it('may be missing', () => {
    expect(loadConfig({ env: {}, root: join(dir, 'nowhere') }).api.port).toBe(5050);
  });
});

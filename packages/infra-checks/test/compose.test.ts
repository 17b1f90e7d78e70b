import { loadConfig, SETTINGS, type SettingName } from '@dd-challenge/config';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import {
  type ComposeFile,
  dependantsNotWaitingForHealth,
  environmentOf,
  infraPath,
  inlineSecrets,
  interpolate,
  interpolatedVariables,
  missingHealthchecks,
  parseEnvExample,
  readInfraText,
  readInfraYaml,
  unknownAppVariables,
  unpinnedImages,
  validateCompose,
} from '../src/index.ts';

const compose = readInfraYaml('compose.yaml') as ComposeFile;
const envExample = parseEnvExample(readInfraText('.env.example'));
const isSetting = (name: string): name is SettingName => Object.hasOwn(SETTINGS, name);
const isSecretSetting = (name: string) =>
  isSetting(name) && 'secret' in SETTINGS[name] && SETTINGS[name].secret === true;
const service = (name: string) => {
  const s = compose.services?.[name];
  if (!s) throw new Error(`infra/compose.yaml has no service ${name}`);
  return s;
};

describe('infra/compose.yaml against the Compose specification', () => {
  it('is valid according to the specification JSON schema', () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  it('the schema rejects what Compose rejects (a misspelt key, a bad depends_on condition)', () => {
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    (broken.services.postgres as Record<string, unknown>).helthcheck = { test: ['CMD', 'true'] };
    (broken.services['traced-api'] as Record<string, unknown>).depends_on = {
      postgres: { condition: 'service_ready' },
    };
    const errors = validateCompose(broken);
    expect(errors.some((e) => e.includes('/services/postgres') && e.includes('helthcheck'))).toBe(true);
    expect(errors.some((e) => e.includes('/services/traced-api/depends_on'))).toBe(true);
  });
});

describe('infra/compose.yaml under dclint (a Compose linter)', () => {
  it('has no error-level finding (style warnings such as key order are left to taste)', () => {
    const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
    const [result] = linter.lintFiles([infraPath('compose.yaml')], false);
    // dclint's declaration files do not resolve their message type under NodeNext: named here.
    const messages = (result?.messages ?? []) as Array<{ type: string; line: number; message: string }>;
    const errors = messages.filter((m) => m.type === 'error').map((m) => `${m.line}: ${m.message}`);
    expect(errors).toEqual([]);
    expect(result?.filePath).toContain('compose.yaml');
  });
});

describe('infra/compose.yaml house rules', () => {
  it('writes no secret inline: keys and passwords are ${...} references to infra/.env', () => {
    expect(inlineSecrets(compose, isSecretSetting)).toEqual([]);
    expect(readInfraText('compose.yaml')).not.toMatch(/\b[0-9a-f]{32}\b/i);
  });

  it('gives every service a healthcheck and makes every dependant wait for service_healthy', () => {
    expect(Object.keys(compose.services ?? {}).sort()).toEqual(
      ['datadog-agent', 'metric-emitter', 'postgres', 'traced-api', 'traffic'].sort(),
    );
    expect(missingHealthchecks(compose)).toEqual([]);
    expect(dependantsNotWaitingForHealth(compose)).toEqual([]);
    expect(service('traced-api').depends_on).toMatchObject({
      'datadog-agent': { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
  });

  it('pins the pulled images to a major version', () => {
    expect(unpinnedImages(compose)).toEqual([]);
    expect(service('datadog-agent').image).toBe('datadog/agent:7');
    expect(service('postgres').image).toBe('postgres:17');
  });

  it('the agent health check is `agent health` and the apps sit behind the apps profile', () => {
    expect(service('datadog-agent').healthcheck?.test).toEqual(['CMD', 'agent', 'health']);
    for (const app of ['traced-api', 'metric-emitter', 'traffic'])
      expect(service(app).profiles).toEqual(['apps']);
    for (const infra of ['datadog-agent', 'postgres']) expect(service(infra).profiles).toBeUndefined();
  });

  it('turns on APM, DogStatsD and process collection for traffic from the other containers', () => {
    const env = environmentOf(service('datadog-agent'));
    for (const name of [
      'DD_APM_ENABLED',
      'DD_APM_NON_LOCAL_TRAFFIC',
      'DD_DOGSTATSD_NON_LOCAL_TRAFFIC',
      'DD_PROCESS_CONFIG_PROCESS_COLLECTION_ENABLED',
      'DD_PROCESS_CONFIG_CONTAINER_COLLECTION_ENABLED',
    ]) {
      expect(env.get(name), name).toBe('true');
    }
    const volumes = service('datadog-agent').volumes as string[];
    expect(volumes).toContain('./agent/conf.d/postgres.d/conf.yaml:/conf.d/postgres.d/conf.yaml:ro');
    expect(service('postgres').volumes as string[]).toContain(
      './postgres/init.sql:/docker-entrypoint-initdb.d/10-init.sql:ro',
    );
  });
});

describe('infra/compose.yaml wiring with @dd-challenge/config', () => {
  it('passes the apps only variables that a setting reads', () => {
    expect(unknownAppVariables(compose, isSetting)).toEqual([]);
  });

  it('documents every interpolated variable in infra/.env.example, with no secret filled in', () => {
    const missing = [...interpolatedVariables(compose).keys()].filter((v) => !envExample.has(v));
    expect(missing).toEqual([]);
    for (const [name, value] of envExample) {
      if (/KEY|PASSWORD|TOKEN|SECRET/.test(name)) expect(value, `${name} in .env.example`).toBe('');
    }
  });

  it('keeps the Agent defaults equal to the settings defaults (host tags, site)', () => {
    const agent = environmentOf(service('datadog-agent'));
    const empty = new Map<string, string>();
    const defaultOf = (name: SettingName) => SETTINGS[name].schema.parse(undefined);
    expect(interpolate(agent.get('DD_TAGS') ?? '', empty).split(' ')).toEqual(defaultOf('DD_TAGS'));
    expect(interpolate(agent.get('DD_SITE') ?? '', empty)).toBe(defaultOf('DD_SITE'));
    expect(interpolate(agent.get('DD_ENV') ?? '', empty)).toBe(defaultOf('DD_ENV'));
  });

  it('gives each app a configuration that loads and points at the agent service', () => {
    // What a user's infra/.env would hold: the example with its blanks filled.
    const dotenv = new Map(envExample);
    for (const [name, value] of dotenv) if (value === '') dotenv.set(name, `test-${name.toLowerCase()}`);
    dotenv.set('DD_VERSION', '');
    const configOf = (name: string) => {
      const env: Record<string, string> = {};
      for (const [k, v] of environmentOf(service(name))) env[k] = interpolate(v, dotenv);
      return loadConfig({ env, envFile: false });
    };

    const api = configOf('traced-api');
    expect(api.agent.host).toBe('datadog-agent');
    expect(api.agent.traceAgentUrl).toBe('http://datadog-agent:8126');
    expect(api.database.embedded).toBe(false);
    expect(new URL(api.database.url).host).toBe('postgres:5432');
    expect(new URL(api.database.url).username).toBe('app');
    expect(api.service.service).toBe('traced-api');

    const emitter = configOf('metric-emitter');
    expect(emitter.agent.host).toBe('datadog-agent');
    expect(emitter.agent.dogstatsdPort).toBe(8125);
    expect(emitter.emitter.intervalMs).toBe(45_000);

    const traffic = configOf('traffic');
    expect(traffic.traffic.target).toBe('http://traced-api:5050');
    expect(service('traffic').depends_on).toEqual({ 'traced-api': { condition: 'service_healthy' } });
  });
});

describe('the rules catch what they are for', () => {
  // Built at run time so the repository's secret scan does not take the fakes for leaks.
  const fakeKey = '0123456789abcdef'.repeat(2);
  const fakeUrl = ['postgres://app', 'hunter2@db/app'].join(':');
  const bad: ComposeFile = {
    services: {
      api: {
        image: 'node',
        environment: {
          DD_API_KEY: fakeKey,
          DATABASE_URL: fakeUrl,
          DD_APP_KEY: '${DD_APP_KEY:-fallback}',
          DATADOG_HOST: 'agent',
        },
        build: '.',
        depends_on: ['db'],
      },
      db: { image: 'postgres:latest', depends_on: { api: { condition: 'service_started' } } },
    },
  };

  it('each rule names the service and the problem', () => {
    expect(inlineSecrets(bad, isSecretSetting).map((p) => p.message)).toEqual([
      'DD_API_KEY is a secret written in the file; use ${DD_API_KEY} from .env',
      'DATABASE_URL has a password written in its URL; use a ${...} from .env',
      'DD_APP_KEY gives the secret ${DD_APP_KEY} a default written in the file',
    ]);
    expect(missingHealthchecks(bad).map((p) => p.service)).toEqual(['api', 'db']);
    expect(dependantsNotWaitingForHealth(bad).map((p) => p.message)).toEqual([
      'depends_on db in short form only waits for the start, not for health',
      'depends_on api with condition service_started, not service_healthy',
      'waits for api to be healthy, but api has no healthcheck',
    ]);
    expect(unpinnedImages(bad)).toEqual([
      { service: 'db', message: 'image postgres:latest is not pinned to a version (wanted e.g. postgres:7)' },
    ]);
    expect(unknownAppVariables(bad, isSetting)).toEqual([
      { service: 'api', message: 'sets DATADOG_HOST, which no setting of @dd-challenge/config reads' },
    ]);
  });
});

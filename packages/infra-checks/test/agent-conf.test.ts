import { SETTINGS } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { type ComposeFile, environmentOf, readInfraText, readInfraYaml } from '../src/index.ts';

interface PostgresInstance {
  host?: unknown;
  port?: unknown;
  username?: unknown;
  password?: unknown;
  dbname?: unknown;
  tags?: unknown;
  min_collection_interval?: unknown;
}
interface CheckConfig {
  ad_identifiers?: string[];
  init_config?: Record<string, unknown> | null;
  instances?: PostgresInstance[];
}

const conf = readInfraYaml('agent', 'conf.d', 'postgres.d', 'conf.yaml') as CheckConfig;
const compose = readInfraYaml('compose.yaml') as ComposeFile;
const agentEnv = environmentOf(compose.services?.['datadog-agent'] ?? {});
const postgresEnv = environmentOf(compose.services?.postgres ?? {});
const instances = conf.instances ?? [];

describe('infra/agent/conf.d/postgres.d/conf.yaml', () => {
  it('has one instance with the fields the Agent and the sandbox read', () => {
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({ port: 5432, username: 'datadog', dbname: 'app' });
    expect(Array.isArray(instances[0]?.tags)).toBe(true);
  });

  it('sets min_collection_interval per instance (Agent 6+), not under init_config (Agent 5)', () => {
    expect(conf.init_config ?? {}).not.toHaveProperty('min_collection_interval');
    for (const instance of instances) {
      expect(instance.min_collection_interval).toEqual(expect.any(Number));
      expect(instance.min_collection_interval as number).toBeGreaterThanOrEqual(1);
    }
  });

  it('takes the password from the Agent environment, which compose fills from infra/.env', () => {
    const password = String(instances[0]?.password);
    const m = /^%%env_([A-Z0-9_]+)%%$/.exec(password);
    expect(m, `password is ${password}, wanted %%env_<VAR>%%`).not.toBeNull();
    const variable = m?.[1] as string;
    expect(agentEnv.get(variable)).toBe(`\${${variable}:?set ${variable} in infra/.env}`);
    // The Agent only resolves %%env_*%% variables it is allowed to (ad_allowed_env_vars).
    expect(agentEnv.get('DD_AD_ALLOWED_ENV_VARS')?.split(' ')).toContain(variable);
    // Postgres gets the same variable to set the role's password at first start.
    expect(postgresEnv.get(variable)).toBe(agentEnv.get(variable));
  });

  it('is an Autodiscovery template for the postgres service image, on its database', () => {
    const image = String(compose.services?.postgres?.image);
    const shortName = image.split('/').at(-1)?.split(':')[0];
    expect(conf.ad_identifiers).toEqual([shortName]);
    expect(instances[0]?.host).toBe('%%host%%');
    expect(postgresEnv.get('POSTGRES_DB')).toBe(instances[0]?.dbname);
  });

  it('uses the role init.sql creates and tags Datadog keeps', () => {
    expect(readInfraText('postgres', 'init.sql')).toMatch(/CREATE ROLE datadog WITH LOGIN/);
    const tags = ((instances[0]?.tags ?? []) as string[]).join(' ');
    expect(SETTINGS.DD_TAGS.schema.safeParse(tags).success).toBe(true);
  });
});

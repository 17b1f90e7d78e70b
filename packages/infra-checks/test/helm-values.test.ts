import { SETTINGS } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readInfraYaml } from '../src/index.ts';

interface Values {
  datadog: {
    apiKey?: unknown;
    apiKeyExistingSecret?: string;
    tags: string[];
    apm: { portEnabled: boolean };
    dogstatsd: { useHostPort: boolean; nonLocalTraffic: boolean };
    processAgent: { processCollection: boolean };
    confd: Record<string, string>;
    env: Array<{
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }>;
  };
}

const values = readInfraYaml('helm', 'values.yaml') as Values;

describe('infra/helm/values.yaml (official Datadog chart)', () => {
  it('takes the API key from a Secret, never from the file', () => {
    expect(values.datadog.apiKey).toBeUndefined();
    expect(values.datadog.apiKeyExistingSecret).toBe('datadog-secret');
  });

  it('sets the same host tags, APM, DogStatsD and process collection as compose', () => {
    const defaults = SETTINGS.DD_TAGS.schema.parse(undefined);
    expect(values.datadog.tags).toEqual([...defaults, `env:${SETTINGS.DD_ENV.schema.parse(undefined)}`]);
    expect(values.datadog.apm.portEnabled).toBe(true);
    expect(values.datadog.dogstatsd).toMatchObject({ useHostPort: true, nonLocalTraffic: true });
    expect(values.datadog.processAgent.processCollection).toBe(true);
  });

  it('carries the postgres check template of infra/agent/conf.d unchanged, its password from a Secret', () => {
    const fromHelm = parseYaml(values.datadog.confd['postgres.yaml'] ?? '');
    expect(fromHelm).toEqual(readInfraYaml('agent', 'conf.d', 'postgres.d', 'conf.yaml'));
    const password = values.datadog.env.find((e) => e.name === 'POSTGRES_DATADOG_PASSWORD');
    expect(password?.valueFrom?.secretKeyRef).toEqual({ name: 'postgres-datadog', key: 'password' });
    expect(values.datadog.env.find((e) => e.name === 'DD_AD_ALLOWED_ENV_VARS')?.value).toBe(
      'POSTGRES_DATADOG_PASSWORD',
    );
  });
});

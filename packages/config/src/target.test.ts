import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { resolveTarget } from './target.ts';

const API = '0123456789abcdef0123456789abcdef';
const APP = 'fedcba9876543210fedcba9876543210fedcba98';
const config = (env: Record<string, string>) => loadConfig({ env, envFile: false, root: '/repo' });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveTarget', () => {
  it('no keys: the sandbox, with its own keys and URL', () => {
    const t = resolveTarget(config({ SANDBOX_PORT: '9321' }));
    expect(t.name).toBe('sandbox');
    expect(t.apiUrl).toBe('http://127.0.0.1:9321');
    expect(t.apiKey.reveal()).toBe('local');
  });

  it('both keys: Datadog at the configured site', () => {
    const t = resolveTarget(config({ DD_API_KEY: API, DD_APP_KEY: APP, DD_SITE: 'datadoghq.eu' }));
    expect(t.name).toBe('datadog');
    expect(t.apiUrl).toBe('https://api.datadoghq.eu');
    expect(t.appUrl).toBe('https://app.datadoghq.eu');
    expect(t.apiKey.reveal()).toBe(API);
    expect(t.appKey.reveal()).toBe(APP);
  });

  it('one key alone is an error naming the missing one, not a fallback', () => {
    const e = errorOf(() => resolveTarget(config({ DD_API_KEY: API })));
    expect(e.problems.map((p) => p.variable)).toEqual(['DD_APP_KEY']);
    expect(e.message).toContain('DD_APP_KEY: is not set');
    expect(e.message).not.toContain(API);
    const e2 = errorOf(() => resolveTarget(config({ DD_APP_KEY: APP })));
    expect(e2.problems.map((p) => p.variable)).toEqual(['DD_API_KEY']);
  });

  it('an explicit sandbox wins over keys', () => {
    expect(resolveTarget(config({ DD_API_KEY: API, DD_APP_KEY: APP }), 'sandbox').name).toBe('sandbox');
    expect(resolveTarget(config({ DD_API_KEY: API }), 'sandbox').name).toBe('sandbox');
  });

  it('an explicit datadog without keys names both', () => {
    const e = errorOf(() => resolveTarget(config({}), 'datadog'));
    expect(e.problems.map((p) => p.variable)).toEqual(['DD_API_KEY', 'DD_APP_KEY']);
    expect(e.message).toContain('required with --target datadog');
  });

  it('an unknown target is named', () => {
    expect(errorOf(() => resolveTarget(config({}), 'prod')).message).toBe(
      '--target: "prod" is not sandbox or datadog (for example --target=sandbox)',
    );
  });
});

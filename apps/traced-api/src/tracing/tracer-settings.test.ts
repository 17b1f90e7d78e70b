import { describe, expect, it } from 'vitest';
import { TRACER_DEFAULTS, tracerEnvironment } from './tracer-settings.ts';

const tags = {
  env: 'dev',
  service: 'traced-api',
  version: '0.1.0',
  agentUrl: 'http://127.0.0.1:8126',
  dogstatsdHost: '127.0.0.1',
  dogstatsdPort: 8125,
};

describe('tracerEnvironment', () => {
  it('gives dd-trace the unified service tags, the agent address and the chosen defaults', () => {
    const env = tracerEnvironment({}, tags);
    expect(env).toMatchObject({
      DD_ENV: 'dev',
      DD_SERVICE: 'traced-api',
      DD_VERSION: '0.1.0',
      DD_TRACE_AGENT_URL: 'http://127.0.0.1:8126',
      DD_DOGSTATSD_PORT: '8125',
      ...TRACER_DEFAULTS,
    });
    expect(env.DD_CODE_ORIGIN_FOR_SPANS_ENABLED).toBe('false');
    expect(env.DD_RUNTIME_METRICS_ENABLED).toBe('true');
  });

  it('lets anything already set in the environment win (empty counts as unset)', () => {
    const env = tracerEnvironment(
      { DD_CODE_ORIGIN_FOR_SPANS_ENABLED: 'true', DD_TRACE_AGENT_URL: 'http://agent:8126', DD_ENV: '' },
      tags,
    );
    expect(env.DD_CODE_ORIGIN_FOR_SPANS_ENABLED).toBe('true');
    expect(env.DD_TRACE_AGENT_URL).toBe('http://agent:8126');
    expect(env.DD_ENV).toBe('dev');
  });
});

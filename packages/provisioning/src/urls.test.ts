import { Secret, type Target } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';
import { resourceUrl } from './urls.ts';

const keys = { apiKey: new Secret('a'), appKey: new Secret('b') };
const datadogEu: Target = {
  name: 'datadog',
  apiUrl: 'https://api.datadoghq.eu',
  appUrl: 'https://app.datadoghq.eu',
  ...keys,
};
const sandbox: Target = {
  name: 'sandbox',
  apiUrl: 'http://127.0.0.1:8321',
  appUrl: 'http://127.0.0.1:8321/',
  ...keys,
};

describe('resourceUrl', () => {
  it('points at the web app of the Datadog site', () => {
    expect(resourceUrl(datadogEu, 'dashboard', 'abc-def-ghi')).toBe(
      'https://app.datadoghq.eu/dashboard/abc-def-ghi',
    );
    expect(resourceUrl(datadogEu, 'monitor', '123')).toBe('https://app.datadoghq.eu/monitors/123');
    expect(resourceUrl(datadogEu, 'downtime', 'u-1')).toBe(
      'https://app.datadoghq.eu/monitors/downtimes?id=u-1',
    );
  });

  it('points at the sandbox console, which serves the same paths', () => {
    expect(resourceUrl(sandbox, 'dashboard', 'x1')).toBe('http://127.0.0.1:8321/dashboard/x1');
  });
});

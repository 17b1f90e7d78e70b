/** Datadog sites, as listed at docs.datadoghq.com/getting_started/site. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'ddog-gov.com',
] as const;

export type DatadogSite = (typeof DATADOG_SITES)[number];

/** The API host for a site: api.datadoghq.com, api.us5.datadoghq.com, ... */
export function apiUrlFor(site: DatadogSite): string {
  return `https://api.${site}`;
}

/** Where a person opens the site's web app: app.datadoghq.com, us5.datadoghq.com, ... */
export function appUrlFor(site: DatadogSite): string {
  return site === 'datadoghq.com' || site === 'datadoghq.eu' ? `https://app.${site}` : `https://${site}`;
}

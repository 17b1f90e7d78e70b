// The machine's time zone and the check of DOWNTIME_TIMEZONE, both answered by Intl (ICU): the
// zone names and aliases it knows are the ones the downtime schedules are computed with.

/**
 * An IANA zone name (Region/City such as Europe/Paris or US/Eastern, or UTC) that Intl accepts.
 * Abbreviations and offsets (EST, GMT, +01:00) are refused: they have no daylight-saving rules.
 */
export function isIanaZone(zone: string): boolean {
  if (zone !== 'UTC' && !zone.includes('/')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The machine's time zone (TZ, else the system's) as Intl names it, or UTC when that is no IANA
 * zone (TZ=GMT resolves to +00:00, an empty or unknown TZ to none: POSIX reads both as UTC).
 */
export function machineZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isIanaZone(zone) ? zone : 'UTC';
}

import { readlinkSync } from 'node:fs';

// The machine's time zone and the IANA check of DOWNTIME_TIMEZONE, answered without creating an
// Intl.DateTimeFormat when the answer is plain: the first DateTimeFormat of a process pages in
// ~8 MB of ICU's locale and calendar data (6.5 MB of the node binary's pages + 1.7 MB private,
// node 24) that stay resident for the process's life, and config is loaded at every start (the
// sandbox's RSS budget counts them). Intl.supportedValuesOf('timeZone') reads only the zone list
// (~0.25 MB). Anything the shortcut is not sure of goes to DateTimeFormat, as before.

/** Ids ICU resolves to 'UTC' (checked against node 24: each as TZ, resolvedOptions().timeZone). */
const UTC_IDS = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'Etc/Universal',
  'Universal',
  'Etc/Zulu',
  'Zulu',
  'Etc/UCT',
  'UCT',
  'Etc/Greenwich',
  'Greenwich',
  'Etc/GMT0',
  'GMT0',
  'Etc/GMT+0',
  'Etc/GMT-0',
  'GMT+0',
  'GMT-0',
]);

/** What resolvedOptions().timeZone gives for host zone `id`, when that is certain without ICU. */
function resolvedWithoutIcu(id: string): string | undefined {
  if (UTC_IDS.has(id)) return 'UTC';
  // A listed id is ICU's canonical form: DateTimeFormat gives it back as is (an alias such as
  // US/Eastern is not listed, and is canonicalized: left to DateTimeFormat).
  if (id.includes('/') && Intl.supportedValuesOf('timeZone').includes(id)) return id;
  return undefined;
}

/** The zone ICU finds for the host: TZ (a leading ':' dropped), else /etc/localtime's link. */
function hostZoneId(): string | undefined {
  const tz = process.env.TZ;
  if (tz !== undefined) return tz.replace(/^:/, '');
  try {
    const target = readlinkSync('/etc/localtime');
    const at = target.lastIndexOf('zoneinfo/');
    return at < 0 ? undefined : target.slice(at + 'zoneinfo/'.length);
  } catch {
    return undefined;
  }
}

/** The machine's time zone, as Intl.DateTimeFormat().resolvedOptions().timeZone names it. */
export function machineZone(): string {
  const id = hostZoneId();
  const plain = id === undefined ? undefined : resolvedWithoutIcu(id);
  return plain ?? machineZoneByIntl();
}

/** The machine's zone through ICU (what machineZone answers when it is not plain). */
export function machineZoneByIntl(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** An IANA zone name (Region/City, or UTC) that Intl accepts. */
export function isIanaZone(zone: string): boolean {
  if (zone === 'UTC' || (zone.includes('/') && Intl.supportedValuesOf('timeZone').includes(zone)))
    return true;
  return isIanaZoneByIntl(zone);
}

/** The check through ICU (what isIanaZone answers when the zone is not in Intl's list). */
export function isIanaZoneByIntl(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

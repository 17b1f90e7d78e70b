import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIanaZone } from './time-zone.ts';

const MODULE = fileURLToPath(new URL('./time-zone.ts', import.meta.url));

/** machineZone() in a node started with TZ set (or unset): ICU reads TZ once, at start. */
function machineZoneUnder(tz: string | undefined): string {
  const env = { ...process.env };
  delete env.TZ;
  if (tz !== undefined) env.TZ = tz;
  const script = `const m = await import(${JSON.stringify(MODULE)}); console.log(m.machineZone());`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
  }).trim();
}

describe('machineZone', () => {
  it('names the zone TZ sets as Intl does (a leading colon dropped, aliases canonical)', () => {
    const cases: [string, string][] = [
      ['Europe/Paris', 'Europe/Paris'],
      [':Europe/Berlin', 'Europe/Berlin'],
      ['US/Eastern', 'America/New_York'],
      ['Etc/UTC', 'UTC'],
    ];
    for (const [tz, zone] of cases) expect(`${tz}: ${machineZoneUnder(tz)}`).toBe(`${tz}: ${zone}`);
  });

  it('is UTC when TZ names no IANA zone (an abbreviation, an unknown name, empty)', () => {
    for (const tz of ['GMT', 'Foo/Bar', '']) expect(`${tz}: ${machineZoneUnder(tz)}`).toBe(`${tz}: UTC`);
  });

  it("without TZ is the system's zone, an IANA zone", () => {
    expect(isIanaZone(machineZoneUnder(undefined))).toBe(true);
  });
});

describe('isIanaZone', () => {
  it('accepts every zone Intl lists, UTC and the aliases of the tz database', () => {
    for (const zone of Intl.supportedValuesOf('timeZone'))
      expect(`${zone}: ${isIanaZone(zone)}`).toBe(`${zone}: true`);
    for (const zone of ['UTC', 'Etc/UTC', 'US/Eastern', 'Asia/Calcutta', 'Etc/GMT+5'])
      expect(`${zone}: ${isIanaZone(zone)}`).toBe(`${zone}: true`);
  });

  it('refuses abbreviations, offsets and names that are not zones', () => {
    for (const zone of ['GMT', 'EST', '+01:00', 'Europe/Nowhere', 'Mars/Olympus', 'Etc/Unknown', '', 'x'])
      expect(`${zone}: ${isIanaZone(zone)}`).toBe(`${zone}: false`);
  });
});

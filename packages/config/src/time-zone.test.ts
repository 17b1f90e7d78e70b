import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIanaZone, isIanaZoneByIntl } from './time-zone.ts';

const MODULE = fileURLToPath(new URL('./time-zone.ts', import.meta.url));

/** machineZone() and machineZoneByIntl() in a node started with TZ (or none) set. */
function zonesUnder(tz: string | undefined, noDateTimeFormat = false): { plain: string; intl: string } {
  const env = { ...process.env };
  delete env.TZ;
  if (tz !== undefined) env.TZ = tz;
  const script = `
    const m = await import(${JSON.stringify(MODULE)});
    const real = Intl.DateTimeFormat;
    if (${noDateTimeFormat}) Intl.DateTimeFormat = () => { throw new Error('DateTimeFormat created'); };
    const plain = m.machineZone();
    const listed = m.isIanaZone('Europe/Paris');
    Intl.DateTimeFormat = real;
    console.log(JSON.stringify({ plain: listed ? plain : 'Europe/Paris rejected', intl: m.machineZoneByIntl() }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { plain: string; intl: string };
}

describe('machine time zone', () => {
  it('names the zone as Intl.DateTimeFormat does, for plain, UTC-alias, alias and invalid TZ values', () => {
    for (const tz of [
      undefined,
      'Europe/Paris',
      ':Europe/Berlin',
      'America/New_York',
      'Asia/Calcutta',
      'Etc/UTC',
      'UTC',
      'Zulu',
      'GMT',
      'US/Eastern',
      'Asia/Kolkata',
      'Etc/GMT+5',
      'Foo/Bar',
      '',
    ]) {
      const { plain, intl } = zonesUnder(tz);
      expect(`${tz}: ${plain}`).toBe(`${tz}: ${intl}`);
    }
  });

  it('creates no Intl.DateTimeFormat for a listed zone or UTC (its ICU data would stay resident)', () => {
    expect(zonesUnder('Europe/Paris', true).plain).toBe('Europe/Paris');
    expect(zonesUnder('Etc/UTC', true).plain).toBe('UTC');
  });
});

describe('isIanaZone', () => {
  it('agrees with the DateTimeFormat check on every listed zone and on names outside the list', () => {
    for (const zone of Intl.supportedValuesOf('timeZone'))
      expect(isIanaZone(zone)).toBe(isIanaZoneByIntl(zone));
    for (const zone of [
      'UTC',
      'Etc/UTC',
      'US/Eastern',
      'GMT',
      'EST',
      'Europe/Nowhere',
      'europe/paris',
      '',
      'x',
    ])
      expect(`${zone}: ${isIanaZone(zone)}`).toBe(`${zone}: ${isIanaZoneByIntl(zone)}`);
  });
});

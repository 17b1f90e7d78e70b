/**
 * Wall clock <-> instant in an IANA zone, with the platform's Intl tables (no library needed).
 * A "wall" value is a floating time: UTC milliseconds whose UTC fields are the local fields.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of an instant, as a floating time. */
export function toWall(ms: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall + (((ms % 1000) + 1000) % 1000);
}

function offset(ms: number, zone: string): number {
  return toWall(ms, zone) - ms;
}

/**
 * The instant of a local wall time. A time skipped by a DST jump moves forward by the jump
 * (02:30 on a spring-forward night is 03:30); a repeated one takes its first occurrence.
 */
export function fromWall(wall: number, zone: string): number {
  const o1 = offset(wall, zone);
  const t1 = wall - o1;
  const o2 = offset(t1, zone);
  if (o2 === o1) {
    // Prefer the earlier of two valid readings (the first 01:30 of a fall-back night).
    const earlier = wall - Math.max(o1, offset(t1 - 3_600_000, zone));
    return toWall(earlier, zone) === wall ? earlier : t1;
  }
  const t2 = wall - o2;
  if (offset(t2, zone) === o2) return t2;
  return wall - Math.min(o1, o2);
}

/** Parses 'YYYY-MM-DDTHH:mm[:ss]' (no offset) to a floating time; undefined when malformed. */
export function parseLocal(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return wall;
}

/** Formats a floating time as 'YYYY-MM-DDTHH:mm'. */
export function formatLocal(wall: number): string {
  return new Date(wall).toISOString().slice(0, 16);
}

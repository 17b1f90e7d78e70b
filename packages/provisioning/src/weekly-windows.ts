/** Minutes in a week, and weekday codes in RRULE order starting Monday. */
export const WEEK_MINUTES = 7 * 24 * 60;
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A muted stretch of a week, in minutes since Monday 00:00 local time (end may pass the week's end). */
export interface WeeklyWindow {
  readonly from: number;
  readonly to: number;
}

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** `14h` -> 840; undefined when not `<int>m|h|d|w` (the only form Datadog's v2 downtimes take). */
export function durationMinutes(duration: string): number | undefined {
  const match = /^(\d+)([mhdw])$/.exec(duration);
  return match ? Number(match[1]) * (UNIT_MINUTES[match[2] as string] as number) : undefined;
}

/**
 * The windows of a weekly recurrence (`FREQ=WEEKLY;BYDAY=...`) in local wall-clock time: one per
 * BYDAY, starting at the time of day of `start`. Wall-clock arithmetic: a DST change inside a
 * window moves its end by an hour, which the README states.
 */
export function weeklyWindows(
  rrule: string,
  start: string,
  duration: string,
): WeeklyWindow[] | { error: string } {
  const fields = Object.fromEntries(rrule.split(';').map((part) => part.split('=') as [string, string]));
  if (fields.FREQ !== 'WEEKLY') return { error: `only FREQ=WEEKLY is understood here (got "${rrule}")` };
  for (const banned of ['DTSTART', 'DTEND', 'DURATION']) {
    if (banned in fields) return { error: `RRULE may not contain ${banned} (Datadog rejects it)` };
  }
  const days = (fields.BYDAY ?? '').split(',').filter(Boolean);
  const unknown = days.filter((d) => !(DAYS as readonly string[]).includes(d));
  if (days.length === 0 || unknown.length > 0)
    return { error: `BYDAY must list MO..SU (got "${fields.BYDAY ?? ''}")` };
  const time = /T(\d{2}):(\d{2})/.exec(start);
  if (!time) return { error: `start "${start}" has no time of day` };
  const minutes = durationMinutes(duration);
  if (minutes === undefined) return { error: `duration "${duration}" is not <int>m|h|d|w` };
  const startDay = (new Date(`${start.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7;
  if (!days.includes(DAYS[startDay] as string)) {
    return { error: `start ${start} is a ${DAYS[startDay]}, not one of BYDAY=${days.join(',')}` };
  }
  const timeOfDay = Number(time[1]) * 60 + Number(time[2]);
  return days.map((d) => {
    const from = DAYS.indexOf(d as (typeof DAYS)[number]) * 1440 + timeOfDay;
    return { from, to: from + minutes };
  });
}

/** Pairs of windows that share any minute of the week (a window past Sunday wraps to Monday). */
export function overlaps(windows: readonly WeeklyWindow[]): Array<[WeeklyWindow, WeeklyWindow]> {
  const found: Array<[WeeklyWindow, WeeklyWindow]> = [];
  const spans = (w: WeeklyWindow) =>
    w.to <= WEEK_MINUTES
      ? [[w.from, w.to]]
      : [
          [w.from, WEEK_MINUTES],
          [0, w.to - WEEK_MINUTES],
        ];
  for (let i = 0; i < windows.length; i++) {
    for (let j = i + 1; j < windows.length; j++) {
      const a = windows[i] as WeeklyWindow;
      const b = windows[j] as WeeklyWindow;
      const hit = spans(a).some(([af, at]) =>
        spans(b).some(([bf, bt]) => (af as number) < (bt as number) && (bf as number) < (at as number)),
      );
      if (hit) found.push([a, b]);
    }
  }
  return found;
}

/** Whether minute-of-week `m` lies in one of the windows. */
export function isMuted(windows: readonly WeeklyWindow[], m: number): boolean {
  return windows.some((w) => (m >= w.from && m < w.to) || (w.to > WEEK_MINUTES && m < w.to - WEEK_MINUTES));
}

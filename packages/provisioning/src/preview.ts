import type { Api } from './client.ts';
import { markerTags, ownedName } from './definitions/ownership.ts';
import type { Definition } from './definitions/types.ts';
import type { painter } from './render.ts';
import { sandboxCall, targetNow } from './sandbox-routes.ts';
import { definitionWire } from './wire.ts';

/** One muted window from the sandbox's calendar, named by its challenge-id when it is ours. */
export interface CalendarWindow {
  readonly name: string;
  readonly start: string;
  readonly end: string | null;
  readonly timezone: string;
}

/** The sandbox's backtest of a monitor definition over stored data. */
export interface Backtest {
  readonly from: string;
  readonly to: string;
  readonly evaluations: number;
  readonly overall_states: ReadonlyArray<{ at: string; state: string }>;
  readonly notifications: ReadonlyArray<{
    at: string;
    group: string;
    transition: string;
    muted: boolean;
    value: number | null;
  }>;
}

export interface PreviewResult {
  readonly calendar: {
    readonly from: string;
    readonly to: string;
    readonly windows: readonly CalendarWindow[];
  };
  readonly backtests: ReadonlyArray<{ readonly name: string; readonly result: Backtest }>;
}

/**
 * Sandbox only (its /sandbox/ inspection routes): the muted windows of the next 7 days, and each
 * monitor definition replayed over the last `backtestHours` of stored data — what would have fired, when,
 * and which notifications the downtimes would have muted.
 */
export async function preview(
  api: Api,
  desired: readonly Definition[],
  options: { nowMs?: number; backtestHours?: number } = {},
): Promise<PreviewResult> {
  const nowMs = options.nowMs ?? (await targetNow(api));
  const backtestSeconds = (options.backtestHours ?? 3) * 3600;
  const from = Math.floor(nowMs / 1000);
  const raw = await sandboxCall<{
    from: string;
    to: string;
    windows: Array<CalendarWindow & { message?: string; downtime_id: string }>;
  }>(api, 'GET', `/sandbox/downtimes/calendar?from=${from}&days=7`);
  const windows = raw.windows.map((w) => ({
    name: ownedName(markerTags(w.message)) ?? `downtime ${w.downtime_id} (not ours)`,
    start: w.start,
    end: w.end,
    timezone: w.timezone,
  }));
  const backtests = await Promise.all(
    desired
      .filter((d) => d.kind === 'monitor')
      .map(async (d) => ({
        name: d.name,
        result: await sandboxCall<Backtest>(api, 'POST', '/sandbox/monitors/preview', {
          monitor: definitionWire(d),
          from: from - backtestSeconds,
          to: from,
        }),
      })),
  );
  return { calendar: { from: raw.from, to: raw.to, windows }, backtests };
}

/** The preview as text. */
export function renderPreview(result: PreviewResult, paint: ReturnType<typeof painter>): string {
  const lines = [paint('bold', `Downtimes, ${result.calendar.from} to ${result.calendar.to}:`)];
  if (result.calendar.windows.length === 0) lines.push('  none (run apply first)');
  for (const w of result.calendar.windows)
    lines.push(`  ${w.start} → ${w.end ?? 'open'}  ${paint('cyan', w.name)} (${w.timezone})`);
  for (const { name, result: b } of result.backtests) {
    const muted = b.notifications.filter((n) => n.muted).length;
    lines.push(
      paint('bold', `Monitor ${name}, backtest ${b.from} to ${b.to}:`),
      `  ${b.evaluations} evaluations, ${b.notifications.length} notifications (${muted} muted by downtimes)`,
    );
    for (const s of b.overall_states.slice(-10)) lines.push(`  ${s.at}  ${s.state}`);
  }
  return `${lines.join('\n')}\n`;
}

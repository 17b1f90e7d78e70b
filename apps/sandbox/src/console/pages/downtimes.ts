/** Downtimes: the list and a calendar of the next 7 days' muted windows. */
import type { DowntimeRecord } from '../../backend/db/types.ts';
import { downtimeCalendar } from '../../backend/downtimes/calendar.ts';
import { downtimeStatus } from '../../backend/downtimes/schedule.ts';
import { toWall } from '../../backend/downtimes/timezone.ts';
import type { SandboxContext } from '../../context.ts';
import { type Html, html, page, statusBadge, utc } from '../html.ts';

const DAY = 86_400_000;
const HUES = ['#632ca6', '#3d8ee0', '#e89a00', '#3ea36b', '#e0457b'];

function schedule(d: DowntimeRecord): Html {
  if (d.schedule.kind === 'one_time') {
    return html`one time: ${utc(d.schedule.start)} – ${d.schedule.end === null ? 'until canceled' : utc(d.schedule.end)} UTC`;
  }
  return html`${d.schedule.recurrences.map(
    (r) => html`<div><code>${r.rrule}</code> from ${r.start.replace('T', ' ')} for ${r.duration}</div>`,
  )}<div class="muted small">in ${d.schedule.timezone}</div>`;
}

function target(d: DowntimeRecord): Html {
  const m = d.monitor_identifier;
  if ('monitor_id' in m) return html`<a href="/monitors/${m.monitor_id}">monitor #${m.monitor_id}</a>`;
  return html`monitors tagged <code>${m.monitor_tags.join(', ')}</code>`;
}

/** GET /monitors/downtimes */
export function downtimesPage(ctx: SandboxContext, selected?: string): string {
  const now = ctx.clock.now();
  const downtimes = ctx.store.downtimes.list();
  const zone = ctx.config.downtimeTimezone || 'UTC';
  const windows = downtimeCalendar(
    downtimes.filter((d) => d.canceled === null || d.canceled > now),
    now,
    now + 7 * DAY,
  );
  const color = new Map(downtimes.map((d, i) => [d.id, HUES[i % HUES.length] as string]));
  // Day rows in the calendar's zone; each window placed by its local wall time there.
  const firstDay = Math.floor(toWall(now, zone) / DAY) * DAY;
  const days = Array.from({ length: 8 }, (_, i) => firstDay + i * DAY);
  const nowWall = toWall(now, zone);
  const blocks = (day: number) =>
    windows.flatMap((w) => {
      const start = toWall(Date.parse(w.start_utc), zone);
      const end = w.end_utc === null ? nowWall + 8 * DAY : toWall(Date.parse(w.end_utc), zone);
      const a = Math.max(start, day);
      const b = Math.min(end, day + DAY);
      if (b <= a) return [];
      const left = ((a - day) / DAY) * 100;
      const width = ((b - a) / DAY) * 100;
      return [
        html`<div class="block" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;background:${color.get(w.downtime_id) ?? '#632ca6'}" title="${w.scope} · ${w.start} → ${w.end ?? 'until canceled'} (${w.timezone})"><span>${w.start.slice(11, 16)}–${w.end ? w.end.slice(11, 16) : '∞'} ${w.timezone}</span></div>`,
      ];
    });
  const hours = [0, 3, 6, 9, 12, 15, 18, 21];
  const rows = downtimes.map((d) => {
    const status = downtimeStatus(d, now);
    return html`<tr id="${d.id}" class="${d.id === selected ? 'selected' : ''}"><td><i class="swatch" style="background:${color.get(d.id)}"></i>${statusBadge(status)}</td>
      <td><code>${d.id}</code></td><td><code>${d.scope}</code></td><td>${target(d)}</td><td>${schedule(d)}</td><td>${d.message ?? ''}</td></tr>`;
  });
  return page(
    { title: 'Downtimes', section: '/monitors/downtimes', now },
    html`<h1>Downtimes</h1>
    ${
      rows.length === 0
        ? html`<p class="empty">No downtimes.</p>`
        : html`<table class="grid"><thead><tr><th>Status</th><th>Id</th><th>Scope</th><th>Monitors</th><th>Schedule</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table>`
    }
    <section class="card"><h2>Muted windows, next 7 days <span class="muted small">rows are days in ${zone}; each window labelled in its own timezone</span></h2>
    <div class="calendar">
      <div class="cal-row cal-head"><div class="cal-day"></div><div class="cal-track">${hours.map(
        (h) =>
          html`<span style="left:${((h / 24) * 100).toFixed(2)}%">${String(h).padStart(2, '0')}:00</span>`,
      )}</div></div>
      ${days.map(
        (day) =>
          html`<div class="cal-row"><div class="cal-day">${new Date(day).toUTCString().slice(0, 11)}</div><div class="cal-track">${
            nowWall >= day && nowWall < day + DAY
              ? html`<div class="now" style="left:${(((nowWall - day) / DAY) * 100).toFixed(2)}%" title="now"></div>`
              : ''
          }${blocks(day)}</div></div>`,
      )}
    </div>
    <p class="muted small">${windows.length} window(s). Also as JSON: <a href="/sandbox/downtimes/calendar">/sandbox/downtimes/calendar</a>.</p>
    </section>`,
  );
}

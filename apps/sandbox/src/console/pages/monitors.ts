/** Monitors: the list with state, and one monitor's page (query, thresholds, timeline, notifications, preview). */
import { format, parseMonitorQuery } from '@dd-challenge/metric-query';
import type { JsonObject, MonitorStatus, MonitorTransition, StoredMonitor } from '../../backend/db/types.ts';
import type { SandboxContext } from '../../context.ts';
import { type Html, html, page, statusBadge, utc } from '../html.ts';

const STATUS_COLORS: Record<string, string> = {
  OK: '#3ea36b',
  Alert: '#d6334a',
  Warn: '#e89a00',
  'No Data': '#8d8d9c',
  Unknown: '#b9b9c6',
  Ignored: '#d9d9e3',
  Skipped: '#d9d9e3',
};

/** GET /monitors/manage */
export function monitorListPage(ctx: SandboxContext): string {
  const monitors = ctx.store.monitors.list();
  const rows = monitors.map(
    (
      m,
    ) => html`<tr><td>${statusBadge(m.state.overallState)}</td><td><a href="/monitors/${m.doc.id}">${m.doc.name}</a></td>
      <td><code>${m.doc.query}</code></td><td>${m.doc.tags.join(', ')}</td><td>${utc(m.state.evaluatedAt)}</td></tr>`,
  );
  return page(
    { title: 'Monitors', section: '/monitors/manage', now: ctx.clock.now() },
    html`<h1>Monitors</h1>${
      rows.length === 0
        ? html`<p class="empty">No monitors yet.</p>`
        : html`<table class="grid"><thead><tr><th>Status</th><th>Name</th><th>Query</th><th>Tags</th><th>Last evaluated (UTC)</th></tr></thead><tbody>${rows}</tbody></table>`
    }`,
  );
}

interface Segment {
  from: number;
  to: number;
  status: string;
}

/** Each group's states over [from, now] from its transitions (oldest first). */
function timelines(history: MonitorTransition[], groups: string[], from: number, now: number) {
  const byGroup = new Map<string, Segment[]>();
  for (const g of groups) byGroup.set(g, []);
  for (const t of history) {
    const segs = byGroup.get(t.group) ?? [];
    byGroup.set(t.group, segs);
    const last = segs.at(-1);
    if (last) last.to = t.at;
    else if (t.from) segs.push({ from, to: t.at, status: t.from });
    segs.push({ from: t.at, to: now, status: t.to });
  }
  return byGroup;
}

function timelineSvg(
  segments: Segment[],
  from: number,
  now: number,
  current: MonitorStatus | undefined,
): Html {
  const width = 1000;
  const x = (ms: number) => ((Math.max(ms, from) - from) / Math.max(1, now - from)) * width;
  const segs = segments.length > 0 ? segments : [{ from, to: now, status: current ?? 'OK' }];
  return html`<svg class="timeline" viewBox="0 0 ${width} 18" preserveAspectRatio="none" role="img">${segs
    .filter((s) => s.to > from)
    .map(
      (s) =>
        html`<rect x="${x(s.from).toFixed(1)}" y="0" width="${Math.max(1, x(s.to) - x(s.from)).toFixed(1)}" height="18" fill="${STATUS_COLORS[s.status] ?? '#999'}"><title>${s.status} ${utc(s.from)} – ${utc(s.to)}</title></rect>`,
    )}</svg>`;
}

function thresholdRows(options: JsonObject): Html {
  const t = (options.thresholds ?? {}) as Record<string, unknown>;
  const names = ['critical', 'critical_recovery', 'warning', 'warning_recovery', 'ok'];
  const present = names.filter((n) => typeof t[n] === 'number');
  if (present.length === 0) return html`<p class="muted">No thresholds.</p>`;
  return html`<table class="kv">${present.map((n) => html`<tr><th>${n.replace('_', ' ')}</th><td>${String(t[n])}</td></tr>`)}</table>`;
}

/** The monitor's metric query (the part inside the time aggregation), for its graph. */
function graphQuery(
  m: StoredMonitor,
): { query: string; thresholds: { value: string; display_type: string; label: string }[] } | undefined {
  const parsed = parseMonitorQuery(m.doc.query);
  if (!parsed.ok) return undefined;
  const t = (m.doc.options.thresholds ?? {}) as Record<string, unknown>;
  const markers = [];
  if (typeof t.warning === 'number')
    markers.push({
      value: `y = ${t.warning}`,
      display_type: 'warning dashed',
      label: `warning ${t.warning}`,
    });
  if (typeof t.critical === 'number')
    markers.push({ value: `y = ${t.critical}`, display_type: 'error dashed', label: `alert ${t.critical}` });
  return { query: format(parsed.value.query), thresholds: markers };
}

/** GET /monitors/:id */
export function monitorPage(ctx: SandboxContext, id: number): string | undefined {
  const m = ctx.store.monitors.get(id);
  if (!m) return undefined;
  const now = ctx.clock.now();
  const history = ctx.store.monitors.history(id, { limit: 2000 });
  const created = typeof m.doc.created_at === 'number' ? m.doc.created_at : now - 86_400_000;
  const from = Math.min(history[0]?.at ?? now, Math.max(created, now - 86_400_000));
  const groupNames = [...new Set([...Object.keys(m.state.groups), ...history.map((h) => h.group)])].sort();
  const lines = timelines(history, groupNames, from, now);
  const notifications = history.filter((h) => h.detail && typeof h.detail.title === 'string').reverse();
  const graph = graphQuery(m);
  return page(
    { title: m.doc.name, section: '/monitors/manage', now, scripts: ['monitor.js'] },
    html`<h1>${statusBadge(m.state.overallState)} ${m.doc.name}</h1>
    <p class="muted">Monitor #${m.doc.id} · ${m.doc.type} · tags ${m.doc.tags.join(', ') || '—'} · last evaluated ${utc(m.state.evaluatedAt)} UTC</p>
    <div class="cols">
      <section class="card"><h2>Query</h2><pre class="query">${m.doc.query}</pre>
        <h3>Thresholds</h3>${thresholdRows(m.doc.options)}
        <h3>Message</h3><pre class="message">${m.doc.message}</pre></section>
      <section class="card"><h2>Evaluated metric</h2>
        ${graph ? html`<div id="monitor-graph" data-query="${graph.query}" data-markers="${JSON.stringify(graph.thresholds)}"><div class="plot"></div></div><p class="muted small"><code>${graph.query}</code>, past 4 hours</p>` : html`<p class="muted">No graph for this query.</p>`}
      </section>
    </div>
    <section class="card"><h2>State timeline per group <span class="muted small">${utc(from)} – ${utc(now)} UTC</span></h2>
      <table class="timelines">${
        groupNames.length === 0
          ? html`<tr><td class="empty">Not evaluated yet.</td></tr>`
          : groupNames.map(
              (g) =>
                html`<tr><th><code>${g}</code> ${statusBadge(m.state.groups[g]?.status ?? 'No Data')}</th><td>${timelineSvg(lines.get(g) ?? [], from, now, m.state.groups[g]?.status)}</td></tr>`,
            )
      }</table>
      <div class="legend">${Object.entries(STATUS_COLORS)
        .slice(0, 4)
        .map(([s, c]) => html`<span><i style="background:${c}"></i>${s}</span>`)}</div>
      <h3>Transitions</h3>
      <table class="grid compact" id="transitions"><thead><tr><th>At (UTC)</th><th>Group</th><th>From</th><th>To</th><th class="num">Value</th></tr></thead><tbody>${history
        .slice(-50)
        .reverse()
        .map(
          (h) =>
            html`<tr><td>${utc(h.at)}</td><td><code>${h.group}</code></td><td>${h.from ? statusBadge(h.from) : '—'}</td><td>${statusBadge(h.to)}</td><td class="num">${typeof h.value === 'number' ? Number(h.value.toFixed(3)) : '—'}</td></tr>`,
        )}</tbody></table>
    </section>
    <section class="card"><h2>Recent notifications</h2>${
      notifications.length === 0
        ? html`<p class="empty">None yet.</p>`
        : html`<table class="grid compact"><thead><tr><th>At (UTC)</th><th>Group</th><th>Kind</th><th>Title</th><th>To</th><th>Sent?</th></tr></thead><tbody>${notifications
            .slice(0, 30)
            .map((n) => {
              const d = n.detail as JsonObject;
              return html`<tr class="${d.muted ? 'muted-row' : ''}"><td>${utc(n.at)}</td><td><code>${n.group}</code></td><td>${String(d.transition ?? d.kind ?? '')}</td><td>${String(d.title)}</td>
                <td>${Array.isArray(d.handles) ? d.handles.map((x) => `@${x}`).join(' ') : ''}</td>
                <td>${d.muted ? html`muted by downtime <a href="/monitors/downtimes#${String(d.downtime_id)}"><code>${String(d.downtime_id)}</code></a>` : html`<span class="sent">sent</span>`}</td></tr>`;
            })}</tbody></table>`
    }</section>
    <section class="card" id="preview" data-monitor="${m.doc.id}"><h2>Preview: the past day replayed</h2><div class="body"><p class="loading">loading…</p></div></section>`,
  );
}

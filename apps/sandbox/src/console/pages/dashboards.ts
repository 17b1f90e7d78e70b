/** Dashboards: the list, and one dashboard rendered from its stored widget definitions. */
import type { Json, JsonObject } from '../../backend/db/types.ts';
import { findMonitors } from '../../backend/monitors/search.ts';
import type { SandboxContext } from '../../context.ts';
import { type Html, html, page, raw, statusBadge } from '../html.ts';

const WEEK_S = 7 * 86_400;

function obj(v: Json | undefined): JsonObject {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function list(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** GET /dashboard/lists */
export function dashboardListPage(ctx: SandboxContext): string {
  const rows = ctx.store.dashboards.list().map(({ doc }) => {
    const widgets = list(doc.widgets).length;
    return html`<tr><td><a href="${str(doc.url)}">${str(doc.title)}</a></td><td>${str(doc.description)}</td>
      <td class="num">${widgets}</td><td>${str(doc.modified_at).slice(0, 19).replace('T', ' ')}</td></tr>`;
  });
  return page(
    { title: 'Dashboards', section: '/dashboard/lists', now: ctx.clock.now() },
    html`<h1>Dashboards</h1>
    ${
      rows.length === 0
        ? html`<p class="empty">No dashboards yet: create one with the API (DashboardsApi.createDashboard) or <code>pnpm provision apply</code>.</p>`
        : html`<table class="grid"><thead><tr><th>Title</th><th>Description</th><th class="num">Widgets</th><th>Modified (UTC)</th></tr></thead><tbody>${rows}</tbody></table>`
    }`,
  );
}

/** The queries a widget's request reads: `q`, or the metric queries of the formula form. */
function requestQueries(request: JsonObject): string[] {
  if (typeof request.q === 'string') return [request.q];
  return list(request.queries)
    .map((q) => obj(q))
    .filter(
      (q) => typeof q.query === 'string' && (q.data_source === undefined || q.data_source === 'metrics'),
    )
    .map((q) => String(q.query));
}

/** What the browser needs to draw a chart widget. */
function chartSpec(def: JsonObject): JsonObject {
  const requests = list(def.requests).flatMap((r) => {
    const req = obj(r);
    return requestQueries(req).map((q) => ({
      q,
      display_type: str(req.display_type) || 'line',
      aggregator: str(req.aggregator) || str(obj(list(req.queries)[0]).aggregator) || 'avg',
    }));
  });
  return {
    type: str(def.type),
    title: str(def.title),
    requests,
    markers: list(def.markers).map((m) => ({
      value: str(obj(m).value),
      display_type: str(obj(m).display_type),
      label: str(obj(m).label),
    })),
    live_span: str(obj(def.time).live_span) || null,
    show_legend: def.show_legend !== false,
    precision: typeof def.precision === 'number' ? def.precision : 2,
    custom_unit: str(def.custom_unit) || null,
  };
}

/** Monitors a manage_status / alert widget shows: Datadog's monitor search over the store. */
function statusList(ctx: SandboxContext, def: JsonObject): Html {
  const all = ctx.store.monitors.list();
  let shown = all;
  if (typeof def.alert_id === 'string' || typeof def.alert_id === 'number') {
    shown = all.filter((m) => String(m.doc.id) === String(def.alert_id));
  } else if (typeof def.query === 'string' && def.query.trim() !== '') {
    shown = findMonitors(all, def.query).slice(0, 1000);
  }
  if (shown.length === 0)
    return html`<p class="empty">No monitor matches <code>${str(def.query)}</code>.</p>`;
  return html`<ul class="status-list">${shown.map((m) => {
    const groups = Object.values(m.state.groups);
    return html`<li>${statusBadge(m.state.overallState)} <a href="/monitors/${m.doc.id}">${m.doc.name}</a>
      ${
        groups.length > 0 && !(groups.length === 1 && groups[0]?.name === '*')
          ? html`<ul>${groups.map((g) => html`<li>${statusBadge(g.status)} <code>${g.name}</code></li>`)}</ul>`
          : ''
      }</li>`;
  })}</ul>`;
}

/** Notes render as text with line breaks; **bold** and [links](url) as Datadog's markdown does. */
function noteText(text: string): Html {
  const escaped = html`${text}`.text
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
  return html`<div class="note-text">${raw(escaped)}</div>`;
}

function widget(ctx: SandboxContext, w: JsonObject, index: string): Html {
  const def = obj(w.definition);
  const type = str(def.type);
  const title = str(def.title);
  switch (type) {
    case 'timeseries':
    case 'query_value': {
      const spec = chartSpec(def);
      return html`<section class="widget w-${type}" data-widget="${index}" data-spec="${JSON.stringify(spec)}">
        <h3>${title}${spec.live_span ? html` <span class="span-tag" title="this widget's own time frame">${String(spec.live_span)}</span>` : ''}</h3>
        <div class="plot"><p class="loading">loading…</p></div></section>`;
    }
    case 'note':
    case 'free_text': {
      const text = str(def.content) || str(def.text);
      return html`<section class="widget w-note">${noteText(text)}</section>`;
    }
    case 'group':
      return html`<section class="widget w-group"><h2>${title}</h2><div class="widgets">${list(
        def.widgets,
      ).map((child, i) => widget(ctx, obj(child), `${index}.${i}`))}</div></section>`;
    case 'manage_status':
    case 'alert_graph':
    case 'alert_value':
      return html`<section class="widget w-status"><h3>${title || 'Monitors'}</h3>${statusList(ctx, def)}</section>`;
    default:
      return html`<section class="widget w-unsupported"><h3>${title}</h3><p class="empty">The console does not draw <code>${type}</code> widgets.</p></section>`;
  }
}

/** Values a template variable can take: its defaults, `*`, and the tag values seen with its prefix. */
function variableOptions(ctx: SandboxContext, prefix: string, metrics: string[]): string[] {
  const values = new Set<string>();
  if (prefix === '') return [];
  const to = Math.floor(ctx.clock.now() / 1000);
  for (const metric of metrics) {
    for (const s of ctx.metrics.series(metric, to - WEEK_S, to)) {
      for (const t of s.tags) if (t.startsWith(`${prefix}:`)) values.add(t.slice(prefix.length + 1));
    }
  }
  if (prefix === 'host') for (const h of ctx.hosts.list()) values.add(h.name);
  return [...values].sort();
}

function metricNames(widgets: Json[]): string[] {
  const out = new Set<string>();
  const walk = (ws: Json[]) => {
    for (const w of ws) {
      const def = obj(obj(w).definition);
      walk(list(def.widgets));
      for (const r of list(def.requests))
        for (const q of requestQueries(obj(r)))
          for (const m of q.matchAll(/[a-z]+:([A-Za-z_][\w.]*)\{/g)) out.add(m[1] as string);
    }
  };
  walk(widgets);
  return [...out];
}

const SPANS = ['5m', '1h', '4h', '1d', '1w'];

/** GET /dashboard/:id/:slug */
export function dashboardPage(ctx: SandboxContext, id: string): string | undefined {
  const stored = ctx.store.dashboards.get(id);
  if (!stored || stored.deletedAt !== null) return undefined;
  const doc = stored.doc;
  const widgets = list(doc.widgets);
  const metrics = metricNames(widgets);
  const vars = list(doc.template_variables).map((v) => {
    const tv = obj(v);
    const defaults = list(tv.defaults).map(String);
    const first = defaults[0] ?? (typeof tv.default === 'string' ? tv.default : '*');
    const options = [...new Set(['*', ...defaults, ...variableOptions(ctx, str(tv.prefix), metrics)])];
    return { name: str(tv.name), prefix: str(tv.prefix), value: first, options };
  });
  const frame = obj(doc.default_timeframe);
  const unitLetter: Record<string, string> = { minute: 'm', hour: 'h', day: 'd', week: 'w' };
  const defaultSpan =
    typeof frame.value === 'number' && unitLetter[str(frame.unit)]
      ? `${frame.value}${unitLetter[str(frame.unit)]}`
      : '1h';
  return page(
    { title: str(doc.title), section: '/dashboard/lists', now: ctx.clock.now(), scripts: ['dashboard.js'] },
    html`<div class="dash-head">
      <h1>${str(doc.title)}</h1>
      <p class="muted">${str(doc.description)}</p>
    </div>
    <form class="toolbar" id="controls" data-default-span="${defaultSpan}">
      ${vars.map(
        (v) => html`<label class="tvar">$${v.name}
          <select name="${v.name}" data-prefix="${v.prefix}">${v.options.map(
            (o) =>
              html`<option value="${o}" ${o === v.value ? html`selected` : ''}>${v.prefix && o !== '*' ? `${v.prefix}:${o}` : o}</option>`,
          )}</select></label>`,
      )}
      <span class="spacer"></span>
      <span class="spans" role="group" aria-label="time range">${SPANS.map(
        (s) => html`<button type="button" data-span="${s}">${s}</button>`,
      )}</span>
      <label class="live"><input type="checkbox" name="live" checked> live</label>
    </form>
    <div class="widgets" id="widgets">${widgets.map((w, i) => widget(ctx, obj(w), String(i)))}</div>`,
  );
}

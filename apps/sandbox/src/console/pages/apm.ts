/** APM: services -> resources (hits, errors, p50/p95) -> recent traces -> one trace's waterfall. */

import { type Span, topLevelSpans } from '../../agent/traces/span.ts';
import { rootOf, type StoredTrace } from '../../agent/traces/store.ts';
import type { SandboxContext } from '../../context.ts';
import { durationNs, type Html, html, page, utc } from '../html.ts';

const SERVICE_COLORS = ['#632ca6', '#3d8ee0', '#e89a00', '#3ea36b', '#e0457b', '#00a3a3', '#8a5cd6'];

function serviceColor(service: string): string {
  let h = 0;
  for (const c of service) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return SERVICE_COLORS[h % SERVICE_COLORS.length] as string;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** Durations of the kept traces' top-level spans, per `service\0name\0resource`. */
function durations(ctx: SandboxContext, service: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of ctx.traces.find({ service, limit: 5000 })) {
    for (const s of topLevelSpans(t.spans)) {
      if (s.service !== service) continue;
      const key = `${s.service}\u0000${s.name}\u0000${s.resource}`;
      const list = out.get(key) ?? [];
      list.push(s.duration);
      out.set(key, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

function serviceChip(service: string): Html {
  return html`<span class="chip" style="--c:${serviceColor(service)}"><b>service</b> ${service}</span>`;
}

function traceStart(t: StoredTrace): number {
  return Math.min(...t.spans.map((s) => s.start));
}

function traceRows(found: StoredTrace[]): Html {
  if (found.length === 0) return html`<p class="empty">No traces kept.</p>`;
  const traces = [...found].sort((a, b) => traceStart(b) - traceStart(a));
  return html`<table class="grid compact"><thead><tr><th>Start (UTC)</th><th>Root service</th><th>Resource</th><th class="num">Spans</th><th class="num">Duration</th><th>Status</th></tr></thead><tbody>${traces.map(
    (t) => {
      const root = rootOf(t);
      const start = Math.min(...t.spans.map((s) => s.start));
      const end = Math.max(...t.spans.map((s) => s.start + s.duration));
      const error = t.spans.some((s) => s.error === 1);
      return html`<tr><td><a href="/apm/trace/${t.trace_id}">${new Date(start / 1e6).toISOString().slice(0, 23).replace('T', ' ')}</a></td><td>${root?.service ?? '?'}</td>
        <td><a href="/apm/trace/${t.trace_id}">${root?.resource ?? '?'}</a></td><td class="num">${t.spans.length}</td>
        <td class="num">${durationNs(end - start)}</td><td>${error ? html`<span class="status status-alert">error</span>` : html`<span class="status status-ok">ok</span>`}</td></tr>`;
    },
  )}</tbody></table>`;
}

/** GET /apm/services */
export function servicesPage(ctx: SandboxContext): string {
  const services = ctx.traces.services();
  const rows = services.map((s) => {
    const resources = ctx.traces.resources(s);
    const hits = resources.reduce((n, r) => n + r.hits, 0);
    const errors = resources.reduce((n, r) => n + r.errors, 0);
    return html`<tr><td><a href="/apm/services/${encodeURIComponent(s)}">${s}</a></td><td class="num">${resources.length}</td>
      <td class="num">${hits}</td><td class="num">${errors}</td><td class="num">${hits ? ((errors / hits) * 100).toFixed(1) : '0.0'}%</td></tr>`;
  });
  return page(
    { title: 'APM services', section: '/apm/services', now: ctx.clock.now() },
    html`<h1>APM services</h1>
    <p class="muted">A <b>service</b> is a program that handles work (<code>DD_SERVICE</code>); a <b>resource</b> is one kind of work it handles (a route such as <code>GET /api/notes</code>, a query). Counts are top-level spans received since the sandbox started.</p>
    ${rows.length === 0 ? html`<p class="empty">No traces yet: point dd-trace at the trace intake.</p>` : html`<table class="grid"><thead><tr><th>Service</th><th class="num">Resources</th><th class="num">Hits</th><th class="num">Errors</th><th class="num">Error rate</th></tr></thead><tbody>${rows}</tbody></table>`}
    <h2>Recent traces</h2>${traceRows(ctx.traces.find({ limit: 20 }))}`,
  );
}

/** GET /apm/services/:service (and ?resource= for one resource's traces) */
export function servicePage(ctx: SandboxContext, service: string, resource?: string): string | undefined {
  const resources = ctx.traces.resources(service);
  if (resources.length === 0) return undefined;
  const lat = durations(ctx, service);
  const rows = [...resources]
    .sort((a, b) => b.hits - a.hits)
    .map((r) => {
      const d = lat.get(`${r.service}\u0000${r.name}\u0000${r.resource}`) ?? [];
      const href = `/apm/services/${encodeURIComponent(service)}?resource=${encodeURIComponent(r.resource)}`;
      return html`<tr class="${resource === r.resource ? 'selected' : ''}"><td><span class="chip res"><b>resource</b> <a href="${href}">${r.resource}</a></span></td><td><code>${r.name}</code></td>
        <td class="num">${r.hits}</td><td class="num">${r.errors}</td>
        <td class="num">${d.length ? durationNs(quantile(d, 0.5)) : '—'}</td><td class="num">${d.length ? durationNs(quantile(d, 0.95)) : '—'}</td>
        <td class="num">${durationNs(r.totalDurationNs / Math.max(1, r.hits))}</td></tr>`;
    });
  const traces = ctx.traces.find({ service, ...(resource ? { resource } : {}), limit: 25 });
  return page(
    { title: `${service} · APM`, section: '/apm/services', now: ctx.clock.now() },
    html`<p class="crumbs"><a href="/apm/services">APM services</a> ›</p><h1>${serviceChip(service)}</h1>
    <p class="muted">Resources of this service. p50/p95 come from the top-level spans of the traces still kept; hits and errors count every one received.</p>
    <table class="grid"><thead><tr><th>Resource</th><th>Operation</th><th class="num">Hits</th><th class="num">Errors</th><th class="num">p50</th><th class="num">p95</th><th class="num">Mean</th></tr></thead><tbody>${rows}</tbody></table>
    <h2>Recent traces${resource ? html` of <span class="chip res"><b>resource</b> ${resource}</span>` : ''}</h2>${traceRows(traces)}`,
  );
}

function tagTable(span: Span): Html {
  const entries: [string, string][] = [
    ['service', span.service],
    ['resource', span.resource],
    ['operation', span.name],
    ['type', span.type],
    ['span_id', span.span_id],
    ['parent_id', span.parent_id],
    ...Object.entries(span.meta).sort(([a], [b]) => a.localeCompare(b)),
    ...Object.entries(span.metrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]): [string, string] => [k, String(v)]),
  ];
  return html`<table class="kv tags">${entries.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

/** GET /apm/trace/:id */
export function tracePage(ctx: SandboxContext, id: string): string | undefined {
  const trace = ctx.traces.get(id);
  if (!trace) return undefined;
  const start = Math.min(...trace.spans.map((s) => s.start));
  const end = Math.max(...trace.spans.map((s) => s.start + s.duration));
  const total = Math.max(1, end - start);
  // Depth-first from the root so children sit under their parent.
  const children = new Map<string, Span[]>();
  const ids = new Set(trace.spans.map((s) => s.span_id));
  const roots: Span[] = [];
  for (const s of trace.spans) {
    if (s.parent_id === '0' || !ids.has(s.parent_id)) roots.push(s);
    else children.set(s.parent_id, [...(children.get(s.parent_id) ?? []), s]);
  }
  const ordered: { span: Span; depth: number }[] = [];
  const visit = (s: Span, depth: number) => {
    ordered.push({ span: s, depth });
    for (const c of (children.get(s.span_id) ?? []).sort((a, b) => a.start - b.start)) visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.start - b.start)) visit(r, 0);
  const root = rootOf(trace);
  const services = [...new Set(trace.spans.map((s) => s.service))];
  return page(
    { title: `Trace ${id}`, section: '/apm/services', now: ctx.clock.now() },
    html`<p class="crumbs"><a href="/apm/services">APM services</a> ›${root ? html` <a href="/apm/services/${encodeURIComponent(root.service)}?resource=${encodeURIComponent(root.resource)}">${root.service} · ${root.resource}</a> ›` : ''}</p><h1>Trace <code>${trace.trace_id}</code></h1>
    <p class="muted">${root ? html`${serviceChip(root.service)} <span class="chip res"><b>resource</b> ${root.resource}</span>` : ''} ${trace.spans.length} spans · ${durationNs(total)} · received ${utc(trace.received)} UTC · services: ${services.map((s) => serviceChip(s))}</p>
    <div class="waterfall">
      <div class="wf-head"><span>Span: <b>service</b> · operation · resource</span><span>0</span><span class="r">${durationNs(total)}</span></div>
      ${ordered.map(({ span, depth }) => {
        const left = ((span.start - start) / total) * 100;
        const width = Math.max(0.3, (span.duration / total) * 100);
        return html`<details class="span-row${span.error ? ' error' : ''}">
          <summary><span class="wf-name" style="padding-left:${depth * 16}px"><i class="dot" style="background:${serviceColor(span.service)}" title="service ${span.service}"></i><span class="svc">${span.service}</span> <code class="op">${span.name}</code> <span class="resname">${span.resource}</span></span>
          <span class="wf-track"><span class="bar" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;background:${serviceColor(span.service)}"></span>${
            left + width > 85
              ? html`<span class="dur inside" style="right:${(100 - left - width).toFixed(2)}%">${durationNs(span.duration)}</span>`
              : html`<span class="dur" style="left:${(left + width).toFixed(2)}%">${durationNs(span.duration)}</span>`
          }</span></summary>
          <div class="span-detail">${tagTable(span)}</div>
        </details>`;
      })}
    </div>
    <p class="muted small">Click a span for its tags. The <b>service</b> (colour) names the program; the <b>resource</b> names what it was doing.</p>`,
  );
}

/** The home page, the inbox (the outbox as email), the metrics explorer and the intake page. */
import type { SandboxContext } from '../../context.ts';
import { html, page, utc } from '../html.ts';

/** GET / */
export function homePage(ctx: SandboxContext, apiUrl: string): string {
  const s = ctx.store;
  const listeners = ctx.intake.stats.listeners;
  const links: [string, string, string][] = [
    [
      '/dashboard/lists',
      'Dashboards',
      `${s.dashboards.count()} dashboard(s), drawn from their widget definitions`,
    ],
    [
      '/monitors/manage',
      'Monitors',
      `${s.monitors.list().length} monitor(s) with state, timeline and notifications`,
    ],
    ['/monitors/downtimes', 'Downtimes', `${s.downtimes.list().length} downtime(s) and a 7-day calendar`],
    [
      '/apm/services',
      'APM',
      `${ctx.traces.services().length} service(s), ${ctx.traces.traceCount} trace(s) kept`,
    ],
    ['/metric/explorer', 'Metrics explorer', `${ctx.metrics.metrics().length} metric name(s)`],
    ['/sandbox/console/inbox', 'Inbox', 'notifications as the email would read'],
    ['/sandbox/console/intake', 'Intake', 'packets, lines, spans, errors by reason'],
  ];
  return page(
    { title: 'Home', now: ctx.clock.now() },
    html`<h1>Datadog sandbox</h1>
    <p class="muted">A local stand-in for the Datadog Agent and API. These pages show what you would otherwise open in Datadog, from the sandbox's own data.</p>
    <div class="tiles">${links.map(
      ([href, title, text]) => html`<a class="tile" href="${href}"><b>${title}</b><span>${text}</span></a>`,
    )}</div>
    <section class="card"><h2>What listens where</h2>
    <table class="grid compact"><thead><tr><th>Listener</th><th>Protocol</th><th>Address</th></tr></thead><tbody>
      <tr><td>Datadog API + this console</td><td>http</td><td><code>${apiUrl}</code></td></tr>
      ${listeners.map((l) => html`<tr><td>${l.name}</td><td>${l.protocol}</td><td><code>${l.address}</code></td></tr>`)}
    </tbody></table>
    <p class="muted small">Clients use the sandbox's local keys (<code>SANDBOX_API_KEY</code> / <code>SANDBOX_APP_KEY</code>); the console itself needs none.</p></section>`,
  );
}

/** GET /sandbox/console/inbox */
export function inboxPage(ctx: SandboxContext): string {
  const entries = ctx.store.outbox.list({ limit: 100 });
  return page(
    { title: 'Inbox', section: '/sandbox/console/inbox', now: ctx.clock.now() },
    html`<h1>Inbox</h1>
    <p class="muted">The notifications the sandbox sent (newest first), as the email would read; also appended to <code>outbox.jsonl</code> in the data folder.</p>
    ${
      entries.length === 0
        ? html`<p class="empty">No notifications yet.</p>`
        : entries.map(
            (e) => html`<article class="mail">
          <header>
            <div class="subject">${e.title}</div>
            <table class="kv"><tr><th>From</th><td>Datadog sandbox &lt;alerts@sandbox.local&gt;</td></tr>
            <tr><th>To</th><td>${e.to.join(', ')}</td></tr>
            <tr><th>Date</th><td>${utc(e.at)} UTC</td></tr>
            ${e.monitorId !== undefined ? html`<tr><th>Monitor</th><td><a href="/monitors/${e.monitorId}">#${e.monitorId}</a>${e.group ? html` · group <code>${e.group}</code>` : ''}${e.transition ? html` · ${e.transition}` : ''}</td></tr>` : ''}
            ${e.detail?.muted ? html`<tr><th>Muted</th><td class="error">by downtime <a href="/monitors/downtimes#${String(e.detail.downtime_id)}"><code>${String(e.detail.downtime_id)}</code></a>: recorded here, not delivered</td></tr>` : ''}
            ${e.deliveries.length > 0 ? html`<tr><th>Delivery</th><td>${e.deliveries.map((d) => html`<span class="${d.ok ? 'sent' : 'error'}">${d.channel} ${d.ok ? 'ok' : `failed: ${d.error ?? ''}`}</span> `)}</td></tr>` : ''}
            </table>
          </header>
          <pre class="body">${e.body.replace(/\n\s*\n(\s*\n)+/g, '\n\n').trim()}</pre>
        </article>`,
          )
    }`,
  );
}

/** GET /metric/explorer */
export function explorerPage(ctx: SandboxContext, query: string): string {
  const metricNames = ctx.metrics.metrics().map((m) => m.metric);
  return page(
    {
      title: 'Metrics explorer',
      section: '/metric/explorer',
      now: ctx.clock.now(),
      scripts: ['explorer.js'],
    },
    html`<h1>Metrics explorer</h1>
    <form id="explorer" class="toolbar" autocomplete="off">
      <input name="query" id="query" list="metric-names" spellcheck="false" value="${query}" placeholder="avg:my_metric{*} by {host}">
      <span class="spans" role="group" aria-label="time range">${['5m', '1h', '4h', '1d', '1w'].map(
        (s) =>
          html`<button type="button" data-span="${s}" class="${s === '1h' ? 'current' : ''}">${s}</button>`,
      )}</span>
      <button type="submit" class="primary">Graph</button>
    </form>
    <datalist id="metric-names">${metricNames.map((n) => html`<option value="avg:${n}{*}">`)}</datalist>
    <pre id="parse-error" class="parse-error" hidden></pre>
    <section class="card"><div class="plot" id="explorer-plot"><p class="muted">Type a query and press Graph.</p></div></section>
    <p class="muted small">Queries run through <code>/api/v1/query</code> (the sandbox's own API) by way of <code>/sandbox/console/query</code>.</p>`,
  );
}

/** GET /sandbox/console/intake */
export function intakePage(ctx: SandboxContext): string {
  const stats = ctx.intake.stats.toJSON();
  const counters: [string, number][] = [
    ['DogStatsD packets', stats.dogstatsd.packets],
    ['DogStatsD bytes', stats.dogstatsd.bytes],
    ['DogStatsD lines', stats.dogstatsd.lines],
    ['metric lines accepted', stats.dogstatsd.metric_lines],
    ['metric samples', stats.dogstatsd.metric_samples],
    ['events', stats.dogstatsd.events],
    ['service checks', stats.dogstatsd.service_checks],
    ['trace requests', stats.traces.requests],
    ['traces', stats.traces.traces],
    ['spans', stats.traces.spans],
    ['series API requests', stats.series.requests],
    ['series API points', stats.series.points],
    ['aggregator contexts', ctx.agent.dogstatsd.contexts],
    ['aggregator flushes', ctx.agent.flushes],
    ['points written', ctx.metrics.store.pointsWritten],
  ];
  const errors = Object.entries(stats.errors);
  return page(
    { title: 'Intake', section: '/sandbox/console/intake', now: ctx.clock.now() },
    html`<h1>Intake</h1>
    <div class="cols">
      <section class="card"><h2>Counters</h2><table class="kv">${counters.map(([k, v]) => html`<tr><th>${k}</th><td class="num">${v.toLocaleString('en-US')}</td></tr>`)}</table></section>
      <section class="card"><h2>Rejected, by reason <span class="muted small">${stats.error_count} in all</span></h2>${
        errors.length === 0
          ? html`<p class="empty">Nothing rejected.</p>`
          : html`<table class="kv">${errors.map(([k, v]) => html`<tr><th>${k}</th><td class="num">${v}</td></tr>`)}</table>`
      }
      <h2>Listeners</h2><table class="kv">${stats.listeners.map((l) => html`<tr><th>${l.name}</th><td>${l.protocol} <code>${l.address}</code></td></tr>`)}</table>
      <h2>Checks</h2>${
        ctx.intake.checks.length === 0
          ? html`<p class="empty">No checks running.</p>`
          : html`<table class="kv">${ctx.intake.checks.map((c) => html`<tr><th>${c.name}</th><td>${c.status} · every ${c.intervalSeconds}s · ${c.samples} samples · ${c.message}</td></tr>`)}</table>`
      }</section>
    </div>
    <p class="muted small">As JSON: <a href="/sandbox/intake">/sandbox/intake</a>.</p>`,
  );
}

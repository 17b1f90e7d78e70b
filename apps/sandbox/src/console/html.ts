/**
 * Server-side HTML for the console: an escaping tagged template and the page shell (nav, CSS).
 * Every interpolated value is escaped unless it is already Html (built by `html` or `raw`).
 */

/** Markup that is already safe to embed. */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function part(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: interpolations escaped, arrays joined, Html kept as is. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup (never user data). */
export function raw(text: string): Html {
  return new Html(text);
}

/** JSON for a data attribute or a <script type="application/json"> (escaped against `</script>`). */
export function jsonData(value: unknown): Html {
  return raw(JSON.stringify(value).replaceAll('<', '\\u003c'));
}

const NAV: ReadonlyArray<readonly [string, string]> = [
  ['/dashboard/lists', 'Dashboards'],
  ['/monitors/manage', 'Monitors'],
  ['/monitors/downtimes', 'Downtimes'],
  ['/apm/services', 'APM'],
  ['/metric/explorer', 'Metrics'],
  ['/sandbox/console/inbox', 'Inbox'],
  ['/sandbox/console/intake', 'Intake'],
];

export interface PageOptions {
  readonly title: string;
  /** Which nav entry is current (its path). */
  readonly section?: string;
  /** ES modules under /sandbox/console/static/ to load. */
  readonly scripts?: readonly string[];
  /** The sandbox clock, shown in the header. */
  readonly now: number;
}

/** The whole document around a page's body. */
export function page(options: PageOptions, body: Html): string {
  const nav = NAV.map(
    ([href, label]) =>
      html`<a href="${href}" class="${options.section === href ? 'current' : ''}">${label}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · sandbox console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/console/static/uPlot.min.css">
<link rel="stylesheet" href="/sandbox/console/static/console.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/">▚ sandbox</a>
  <nav>${nav}</nav>
  <span class="clock" title="the sandbox clock">${new Date(options.now).toISOString().slice(0, 19).replace('T', ' ')} UTC</span>
</header>
<main>
${body}
</main>
${(options.scripts ?? []).map((s) => html`<script type="module" src="/sandbox/console/static/${s}"></script>`)}
</body>
</html>
`.text;
}

/** A small coloured status label (OK, Alert, Warn, No Data...). */
export function statusBadge(status: string): Html {
  const cls = status.toLowerCase().replace(/[^a-z]+/g, '-');
  return html`<span class="status status-${cls}">${status}</span>`;
}

/** ms -> `2026-11-27 14:05:00` (UTC). */
export function utc(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Nanoseconds -> a readable duration. */
export function durationNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(0)} µs`;
  return `${Math.round(ns)} ns`;
}

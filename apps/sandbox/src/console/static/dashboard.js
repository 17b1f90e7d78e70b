// A dashboard page: template variables and the time range drive every widget's queries;
// live mode re-runs them every 10 seconds. State lives in the URL (live_span, tpl_var_<name>).
import { aggregate, drawChart, formatValue, runQuery, sandboxNow, seriesOf, spanSeconds } from './chart.js';

const controls = document.getElementById('controls');
const url = new URL(location.href);
let span = url.searchParams.get('live_span') ?? controls.dataset.defaultSpan ?? '1h';
let refreshes = 0;
let generation = 0;

for (const select of controls.querySelectorAll('select')) {
  const wanted = url.searchParams.get(`tpl_var_${select.name}`);
  if (wanted !== null && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
}

/** `{$host}` -> `{host:h1}`, `host:$host` / `$host.value` -> `h1`; `*` matches all (as metric-query does). */
function substitute(query, vars) {
  return query.replace(
    /([A-Za-z0-9_.\-/]+:)?\$([A-Za-z_][\w-]*?)(\.value)?(?=$|[\s,{}()!'"])/g,
    (whole, key, name, dotValue) => {
      if (!(name in vars)) return whole;
      const { value, prefix } = vars[name];
      if (key) return value === '*' ? '*' : key + value;
      if (dotValue) return value;
      return value === '*' ? '*' : `${prefix || name}:${value}`;
    },
  );
}

function variables() {
  const vars = {};
  for (const select of controls.querySelectorAll('select')) {
    vars[select.name] = { value: select.value, prefix: select.dataset.prefix };
  }
  return vars;
}

function markSpan() {
  for (const b of controls.querySelectorAll('button[data-span]')) {
    b.classList.toggle('current', b.dataset.span === span);
  }
}

function saveUrl() {
  const next = new URL(location.href);
  next.searchParams.set('live_span', span);
  for (const [name, { value }] of Object.entries(variables()))
    next.searchParams.set(`tpl_var_${name}`, value);
  history.replaceState(null, '', next);
}

async function drawWidget(el, now, vars, gen) {
  const spec = JSON.parse(el.dataset.spec);
  const seconds = spanSeconds(spec.live_span ?? span);
  const from = now - seconds;
  const plot = el.querySelector('.plot');
  try {
    const answers = await Promise.all(
      spec.requests.map((r) => runQuery(substitute(r.q, vars), from, now).then((body) => ({ r, body }))),
    );
    if (gen !== generation) return;
    if (spec.type === 'query_value') {
      const { r, body } = answers[0] ?? {};
      const value = body ? aggregate(body, r.aggregator) : null;
      plot.replaceChildren();
      const big = document.createElement('div');
      big.className = 'big-number';
      big.textContent = formatValue(value, spec.precision) + (spec.custom_unit ? ` ${spec.custom_unit}` : '');
      big.title = value === null ? 'no data' : String(value);
      const caption = document.createElement('div');
      caption.className = 'muted small';
      caption.textContent = `${r?.aggregator ?? 'avg'} over ${spec.live_span ?? span}`;
      plot.append(big, caption);
      return;
    }
    const series = answers.flatMap(({ r, body }) => seriesOf(body, r.display_type, answers.length > 1));
    drawChart(plot, {
      series,
      markers: spec.markers,
      from,
      to: now,
      legend: spec.show_legend && series.length > 1,
    });
  } catch (error) {
    if (gen !== generation) return;
    plot.replaceChildren();
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = error.message;
    plot.append(p);
  }
}

async function refresh() {
  const gen = ++generation;
  markSpan();
  const now = await sandboxNow();
  const vars = variables();
  await Promise.all(
    [...document.querySelectorAll('[data-spec]')].map((el) => drawWidget(el, now, vars, gen)),
  );
  if (gen === generation) document.body.dataset.refreshes = String(++refreshes);
}

controls.addEventListener('change', (event) => {
  if (event.target.name === 'live') return;
  saveUrl();
  void refresh();
});
controls.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-span]');
  if (!button) return;
  span = button.dataset.span;
  saveUrl();
  void refresh();
});
setInterval(() => {
  if (controls.elements.live.checked && !document.hidden) void refresh();
}, 10_000);
void refresh();

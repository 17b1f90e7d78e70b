// A monitor's page: the evaluated metric's graph with its thresholds, and the preview (the
// monitor replayed over the past day by /sandbox/monitors/:id/preview).
import { drawChart, runQuery, sandboxNow, seriesOf } from './chart.js';

function cell(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

async function graph() {
  const el = document.getElementById('monitor-graph');
  if (!el) return;
  const now = await sandboxNow();
  const from = now - 4 * 3600;
  const plot = el.querySelector('.plot');
  try {
    const body = await runQuery(el.dataset.query, from, now);
    drawChart(plot, {
      series: seriesOf(body),
      markers: JSON.parse(el.dataset.markers),
      from,
      to: now,
      legend: false,
    });
  } catch (error) {
    plot.replaceChildren(cell('p', error.message, 'error'));
  }
}

async function preview() {
  const section = document.getElementById('preview');
  const body = section.querySelector('.body');
  const r = await fetch(`/sandbox/monitors/${section.dataset.monitor}/preview`);
  const answer = await r.json();
  body.replaceChildren();
  if (!r.ok) {
    body.append(cell('p', (answer.errors ?? []).join('; '), 'error'));
    return;
  }
  body.append(
    cell(
      'p',
      `${answer.evaluations} evaluations from ${answer.from} to ${answer.to}: ${answer.transitions.length} transitions, ` +
        `${answer.notifications.length} notifications sent, ${answer.muted.length} muted; final state ${answer.final.overall_state}.`,
    ),
  );
  if (answer.transitions.length > 0) {
    const table = document.createElement('table');
    table.className = 'grid compact';
    const head = table.createTHead().insertRow();
    for (const h of ['At', 'Group', 'From', 'To', 'Value']) head.append(cell('th', h));
    const tbody = table.createTBody();
    for (const t of answer.transitions.slice(-20).reverse()) {
      const row = tbody.insertRow();
      for (const v of [
        t.at.slice(0, 19).replace('T', ' '),
        t.group,
        t.from,
        t.to,
        typeof t.value === 'number' ? Number(t.value.toFixed(3)) : '—',
      ])
        row.append(cell('td', String(v)));
    }
    body.append(table);
  }
}

void graph();
void preview().then(() => {
  document.body.dataset.ready = '1';
});

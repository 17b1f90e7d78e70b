// The metrics explorer: run a query over a time range, draw it, and show a parse error under
// the character where it is. The query and range live in the URL (?query=&live_span=).
import { drawChart, runQuery, sandboxNow, seriesOf, spanSeconds } from './chart.js';

const form = document.getElementById('explorer');
const input = document.getElementById('query');
const errorBox = document.getElementById('parse-error');
const plot = document.getElementById('explorer-plot');
const url = new URL(location.href);
let span = url.searchParams.get('live_span') ?? '1h';

function markSpan() {
  for (const b of form.querySelectorAll('button[data-span]'))
    b.classList.toggle('current', b.dataset.span === span);
}

async function run() {
  const query = input.value.trim();
  markSpan();
  if (!query) return;
  const next = new URL(location.href);
  next.searchParams.set('query', query);
  next.searchParams.set('live_span', span);
  history.replaceState(null, '', next);
  const now = await sandboxNow();
  const from = now - spanSeconds(span);
  errorBox.hidden = true;
  try {
    const body = await runQuery(query, from, now);
    drawChart(plot, { series: seriesOf(body), from, to: now, height: 320 });
  } catch (error) {
    plot.replaceChildren();
    const at = error.position;
    if (at) {
      // The query, then a caret line under the offending characters, then the message.
      const width = Math.max(1, (at.to ?? at.from + 1) - at.from);
      errorBox.textContent = `${query}\n${' '.repeat(at.from)}${'^'.repeat(width)}\n${at.message} (at character ${at.from})`;
    } else {
      errorBox.textContent = error.message;
    }
    errorBox.hidden = false;
  }
  document.body.dataset.ran = String(Number(document.body.dataset.ran ?? 0) + 1);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
form.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-span]');
  if (!button) return;
  span = button.dataset.span;
  void run();
});
if (input.value.trim()) void run();
else markSpan();

// `pnpm dev`'s provisioning step: it waits for the target's API (the sandbox, started beside it
// by turbo, or Datadog when both keys are set), converges the challenge's resources, waits until
// the demo is green, then prints where to look. Like every dev task it waits rather than fails:
// no task of `pnpm dev` depends on another's start order.
import { loadConfigOrExit, resolveTargetOrExit } from '@dd-challenge/config';
import { apply } from './apply.ts';
import { createApi } from './client.ts';
import { challengeSet } from './definitions/index.ts';
import { definitionSettings } from './definitions/settings.ts';
import { painter, renderOutcomes } from './render.ts';

const config = loadConfigOrExit();
const target = resolveTargetOrExit(config);
const paint = painter(process.stdout);
const say = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
process.once('SIGINT', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));

/** Polls `ready` with backoff (250 ms doubling to 5 s), saying once what it waits for. */
async function waitFor(what: string, ready: () => Promise<boolean>): Promise<void> {
  let delay = 250;
  let said = false;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (!said) say(`provision (dev): waiting for ${what}`);
    said = true;
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}

const headers = { 'DD-API-KEY': target.apiKey.reveal(), 'DD-APPLICATION-KEY': target.appKey.reveal() };
const answers = async (url: string, init: RequestInit = {}) =>
  (await fetch(url, { ...init, signal: AbortSignal.timeout(3000) })).ok;

await waitFor(`the ${target.name} API at ${target.apiUrl}`, () =>
  answers(`${target.apiUrl}/api/v1/validate`, { headers }),
);

const desired = challengeSet(definitionSettings(config));
const api = createApi(target);
let result = await apply(api, desired);
for (let attempt = 2; !result.ok && attempt <= 3; attempt++) {
  say(renderOutcomes(result.outcomes, paint));
  say(`provision (dev): apply did not finish; trying again (${attempt}/3)`);
  await sleep(2000);
  result = await apply(api, desired);
}
say(renderOutcomes(result.outcomes, paint));
if (!result.ok) {
  process.stderr.write(
    'provision (dev): apply failed; the rest of the demo keeps running. Fix and run `pnpm provision apply`.\n',
  );
}

// Green: every app answers and the first my_metric point can be queried back.
await waitFor(`traced-api at http://127.0.0.1:${config.api.port}/readyz`, () =>
  answers(`http://127.0.0.1:${config.api.port}/readyz`),
);
if (target.name === 'sandbox') {
  await waitFor('the first my_metric point in the sandbox', async () => {
    const to = Math.floor(Date.now() / 1000) + 60;
    const res = await fetch(
      `${target.apiUrl}/api/v1/query?from=${to - 3600}&to=${to}&query=${encodeURIComponent('avg:my_metric{*}')}`,
      { headers, signal: AbortSignal.timeout(3000) },
    );
    const body = (await res.json()) as { series?: { pointlist: [number, number | null][] }[] };
    return (body.series ?? []).some((s) => s.pointlist.some((p) => p[1] !== null));
  });
}

const rows: [string, string][] = [];
if (target.name === 'sandbox') rows.push(['Console', target.appUrl]);
// Label each resource as a person knows it: the dashboard's title, the monitor's name.
const titles = new Map(
  desired.map((d) => [
    d.name,
    d.kind === 'dashboard'
      ? `Dashboard "${d.body.title}"`
      : d.kind === 'monitor'
        ? `Monitor "${d.body.name}"`
        : '',
  ]),
);
for (const o of result.outcomes) {
  if (o.url && o.change.kind !== 'downtime') rows.push([titles.get(o.change.name) || o.change.name, o.url]);
}
rows.push(['Downtimes', `${target.appUrl}/monitors/downtimes`]);
rows.push(['traced-api', `http://127.0.0.1:${config.api.port}`]);
rows.push(['Stop', 'Ctrl-C (stops every task of pnpm dev)']);
const width = Math.max(...rows.map(([k]) => k.length));
const rule = '─'.repeat(72);
say(
  [
    rule,
    paint(
      'bold',
      `dd-challenge is up: every challenge step is running against ${target.name === 'sandbox' ? 'the sandbox' : `Datadog (${config.datadog.site})`}`,
    ),
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${paint('cyan', v)}`),
    rule,
  ].join('\n'),
);

// Stay up like the other dev tasks, so turbo keeps the whole demo running until Ctrl-C.
setInterval(() => {}, 1 << 30);

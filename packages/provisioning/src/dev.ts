// `pnpm dev`'s provisioning step. The launcher (packages/dev) forks it once the target's API
// answers; it converges the challenge's resources, seeds the sandbox's first start with a week of
// PostgreSQL history (seed-history.ts), says what it changed, hands the launcher the
// resources and their links (over the IPC channel fork() opens) for the status block, and exits:
// nothing is left for it to do, so it holds no memory while the demo runs. Run alone
// (`node --conditions=@dd-challenge/source src/dev.ts`) it does the same and only logs.
import { loadConfigOrExit, resolveTargetOrExit } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import { apply } from './apply.ts';
import { createApi } from './client.ts';
import { challengeSet } from './definitions/index.ts';
import { definitionSettings } from './definitions/settings.ts';
import { devReport } from './dev-report.ts';
import { seedHistory } from './seed-history.ts';

const ATTEMPTS = 3;
const RETRY_MS = 2000;

const config = loadConfigOrExit();
const target = resolveTargetOrExit(config);
const log = createLogger(config, 'provisioning');
const settings = definitionSettings(config);
const desired = challengeSet(settings);
const api = createApi(target);

let result = await apply(api, desired);
for (let attempt = 2; !result.ok && attempt <= ATTEMPTS; attempt++) {
  log.warn(
    `apply did not finish (${result.outcomes.find((o) => !o.ok)?.error}); trying again in ${RETRY_MS / 1000} s (${attempt}/${ATTEMPTS})`,
  );
  await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  result = await apply(api, desired);
}

const DONE = { create: 'created', update: 'updated', delete: 'deleted', keep: 'unchanged' } as const;
for (const o of result.outcomes) {
  const line = `${o.change.kind} ${o.change.name} ${DONE[o.change.action]}${o.url ? ` ${o.url}` : ''}`;
  if (!o.ok) log.error(o.error ?? `${o.change.kind} ${o.change.name} failed`);
  else if (o.change.action === 'keep') log.debug(line);
  else log.info(line);
}
const changed = result.outcomes.filter((o) => o.ok && o.change.action !== 'keep').length;
if (result.ok) {
  log.info(`${target.name} holds the challenge's ${desired.length} resources (${changed} changed now)`);
} else {
  log.error('apply failed; fix the cause and run `pnpm provision apply`; the rest of the demo keeps running');
}

try {
  const seed = await seedHistory(api, config, settings.host);
  if (seed.seeded)
    log.info(`seeded ${seed.points} points of PostgreSQL rows history (source:seed) for the anomaly bands`);
  else log.debug(`no history seeded: ${seed.reason}`);
} catch (error) {
  log.warn(
    { err: error },
    'seeding the PostgreSQL history failed; the anomaly bands fill in from live points',
  );
}

const code = result.ok ? 0 : 1;
// exit() rather than a drained loop: the IPC channel and the client's keep-alive sockets would hold it.
if (process.send) process.send(devReport(result, desired), () => process.exit(code));
else process.exit(code);

// `pnpm dev`: runs every part of the demo through turbo (`turbo run dev`), the provisioning
// step once the target's API answers, and watches the parts. It prints the status block once
// every part answers, again whenever one goes down or comes back, and on demand (Enter on a
// terminal; `pnpm dev:status` from another shell reads the copy in DEV_STATUS_FILE). It owns
// Ctrl-C: one SIGINT to turbo, one line when every part has stopped, exit 0.
import { findRepoRoot, loadConfigOrExit, resolveTargetOrExit } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import { allUp, demoOf, type PartStatus, TASK_OF } from './parts.ts';
import { type ProvisioningRun, runProvisioning } from './provisioning.ts';
import { belowError, reasonFrom } from './reason.ts';
import { renderBlock } from './render.ts';
import { removeStatusFile, writeStatusFile } from './status-file.ts';
import { startTurbo } from './turbo.ts';
import { Watcher } from './watcher.ts';

/** Every part must have stopped this long after Ctrl-C. */
const STOP_DEADLINE_MS = 5000;
/** A start-up that takes longer than this prints the block anyway, saying what it waits for. */
const START_PATIENCE_MS = 90_000;
const LAST_LINES = 20;

const root = findRepoRoot(import.meta.dirname);
const config = loadConfigOrExit();
const target = resolveTargetOrExit(config);
const demo = demoOf(config, target);
const log = createLogger(config, 'dev');
const startedAt = Date.now();
const enterShows = Boolean(process.stdin.isTTY);
// The parts write to turbo's pipe, not a terminal: tell their loggers colours are welcome here.
const env: NodeJS.ProcessEnv =
  process.stdout.isTTY && !process.env.NO_COLOR && process.env.FORCE_COLOR === undefined
    ? { ...process.env, FORCE_COLOR: '1' }
    : { ...process.env };

const say = (text: string) => process.stdout.write(`${text}\n`);
let stopping = false;

// ── The status block ──────────────────────────────────────────────────────────────────────
let printed: string | undefined; // the states of the block printed last: "sandbox=up,…"
let written = '';
const statesOf = (statuses: readonly PartStatus[]) => statuses.map((s) => `${s.name}=${s.state}`).join(',');
const block = (statuses: readonly PartStatus[]) =>
  renderBlock(demo, statuses, watcher.provisioning, { at: Date.now(), enterShows });

function onLook(statuses: PartStatus[]): void {
  const states = statesOf(statuses);
  const due =
    printed === undefined
      ? allUp(statuses) ||
        statuses.some((s) => s.state === 'failed') ||
        Date.now() - startedAt > START_PATIENCE_MS
      : states !== printed;
  if (due) {
    say(block(statuses));
    printed = states;
  }
  // The copy for `pnpm dev:status`, rewritten when a state or a detail changed.
  const text = renderBlock(demo, statuses, watcher.provisioning, { at: 0, enterShows: false });
  if (text !== written) {
    written = text;
    writeStatusFile(config.devStatusFile, { pid: process.pid, block: block(statuses) });
  }
  if (watcher.apiAnswered && provisioning === undefined) startProvisioning();
}

const watcher = new Watcher(demo, onLook);

// ── Provisioning: once, when the target's API answers ──────────────────────────────────────
let provisioning: ProvisioningRun | undefined;
function startProvisioning(): void {
  watcher.provisioning = { state: 'running' };
  provisioning = runProvisioning({ root, env, onLine: (line) => !stopping && say(line) });
  void provisioning.done.then((outcome) => {
    if (stopping) return;
    watcher.provisioning = outcome;
    if (outcome.state === 'failed') log.error(`provisioning failed: ${outcome.reason}`);
    void watcher.look();
  });
}

// ── Turbo: every long-running part ─────────────────────────────────────────────────────────
const lastLines = new Map<string, string[]>();
const turbo = startTurbo({
  root,
  env,
  onLine: (line) => {
    if (line.kind === 'drop') return;
    if (line.kind === 'app') {
      const lines = lastLines.get(line.task) ?? [];
      lines.push(line.text);
      if (lines.length > LAST_LINES) lines.shift();
      lastLines.set(line.task, lines);
      // Once stopping, the parts' goodbyes (and their complaints about each other leaving, the
      // database first) are not news: only an error is.
      if (!stopping || !belowError(line.text)) say(line.text);
      return;
    }
    if (stopping) return; // turbo's own words about the stop: the launcher says it in one line
    if (line.kind === 'exit') {
      const how = line.code === undefined ? 'was killed' : `exited with code ${line.code}`;
      const reason = `${how}: ${reasonFrom(lastLines.get(line.task) ?? [])}`;
      watcher.crashed.set(line.task, reason);
      const part = Object.entries(TASK_OF).find(([, task]) => task === line.task)?.[0] ?? line.task;
      log.error(`${part} stopped on its own (${reason}); the other parts keep running`);
      void watcher.look();
      return;
    }
    log.warn(`turbo: ${line.text}`);
  },
});

void turbo.exited.then((code) => {
  if (stopping) return;
  // Every task ended by itself (or turbo could not start them): nothing is left to watch.
  log.error(`turbo ended on its own (exit code ${code}); every part has stopped`);
  finish(code || 1);
});

// ── Stop ───────────────────────────────────────────────────────────────────────────────────
function finish(code: number): void {
  watcher.stop();
  removeStatusFile(config.devStatusFile);
  process.exit(code);
}

async function stop(): Promise<void> {
  if (stopping) return; // the terminal and pnpm each send one: the first starts the stop
  stopping = true;
  const asked = performance.now();
  watcher.stop();
  process.stdin.pause();
  provisioning?.stop();
  turbo.interrupt();
  const stopped = await Promise.race([
    turbo.exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_DEADLINE_MS)),
  ]);
  if (!stopped) {
    turbo.kill();
    log.error(
      `not every part stopped within ${STOP_DEADLINE_MS / 1000} s; turbo was killed, a part may linger`,
    );
    finish(1);
    return;
  }
  log.info(`stopped every part in ${((performance.now() - asked) / 1000).toFixed(1)} s`);
  finish(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());

// ── On demand: Enter on a terminal ─────────────────────────────────────────────────────────
if (enterShows) {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (!stopping && text.includes('\n')) say(block(watcher.statuses));
  });
}

log.info(
  `starting the demo against ${demo.target === 'sandbox' ? 'the sandbox' : `Datadog (${demo.site})`}: sandbox, postgres, traced-api, metric-emitter, traffic; provisioning once the API answers`,
);
watcher.start();

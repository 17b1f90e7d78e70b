import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';

/** One line of `turbo run dev` output, sorted out for the launcher. */
export type TurboLine =
  /** A line an app wrote: shown as it is. */
  | { readonly kind: 'app'; readonly task: string; readonly text: string }
  /** A task's command failed (pnpm says so at once: a part that crashed on its own); no code
   * when a signal ended it. */
  | { readonly kind: 'exit'; readonly task: string; readonly code: number | undefined }
  /** A line of turbo's own that is not known chatter: shown, it may be why nothing starts. */
  | { readonly kind: 'turbo'; readonly text: string }
  /** Chatter: turbo's banner, summary and error notes, its cache notes, pnpm's echo of the script. */
  | { readonly kind: 'drop' };

// `--log-prefix=task` puts `<package>:<task>: ` before every line a task writes.
const TASK_LINE = /^@[\w-]+\/([\w.-]+):dev: ?(.*)$/;
// pnpm's line when a script fails: with the exit code, or without one when a signal ended it.
const FAILED = /^\[?ELIFECYCLE\]?\s+Command failed(?: with exit code (\d+))?/;
const APP_CHATTER = [/^cache (bypass|miss|hit)\b/, /^\$ /, /^\s*$/];
// Turbo's notes on a task (`<package>#dev:  WARNING  command finished with error, …`) say
// again, later, what pnpm's line said first.
const TURBO_CHATTER = [
  /^\s*$/,
  /^\s*•/,
  /^\s*(Tasks|Cached|Time|Failed):/,
  /^Shutting down Turborepo tasks/,
  /^@[\w-]+\/[\w.-]+#dev: /,
  /^\s*ERROR\s+run failed/,
];

/** Sorts one line of turbo's output (an app's colours kept; turbo's own run with --no-color). */
export function readTurboLine(raw: string): TurboLine {
  const line = stripVTControlCharacters(raw).replace(/\r$/, '');
  const task = TASK_LINE.exec(raw.replace(/\r$/, ''));
  if (task) {
    const [, name, text] = task as unknown as [string, string, string];
    const plain = stripVTControlCharacters(text);
    const failed = FAILED.exec(plain);
    if (failed)
      return { kind: 'exit', task: name, code: failed[1] === undefined ? undefined : Number(failed[1]) };
    if (APP_CHATTER.some((p) => p.test(plain))) return { kind: 'drop' };
    return { kind: 'app', task: name, text };
  }
  if (TURBO_CHATTER.some((p) => p.test(line))) return { kind: 'drop' };
  return { kind: 'turbo', text: line.trim() };
}

export interface Turbo {
  readonly pid: number;
  /** Resolves with turbo's exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** SIGINT to turbo's process group, as a terminal sends it; turbo stops every task. */
  interrupt(): void;
  /** SIGKILL to turbo's process group (the tasks run in groups of their own). */
  kill(): void;
}

/**
 * Runs `turbo run dev` in a process group of its own, so a Ctrl-C reaches the launcher alone,
 * which then stops turbo once; every output line goes to `onLine`, sorted.
 */
export function startTurbo(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  onLine: (line: TurboLine) => void;
}): Turbo {
  const child: ChildProcess = spawn(
    join(options.root, 'node_modules/.bin/turbo'),
    [
      'run',
      'dev',
      '--ui=stream',
      '--log-order=stream',
      '--log-prefix=task',
      '--output-logs=full',
      // A part that crashes on its own must not take the others down.
      '--continue=always',
      '--no-color',
      '--no-update-notifier',
    ],
    {
      cwd: options.root,
      env: { ...options.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => options.onLine(readTurboLine(line)));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(127));
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid as number,
    exited,
    interrupt: () => signal('SIGINT'),
    kill: () => signal('SIGKILL'),
  };
}

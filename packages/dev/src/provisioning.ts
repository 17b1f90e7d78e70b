import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Provisioning, Resource } from './parts.ts';

/** The message packages/provisioning/src/dev.ts sends before it exits. */
interface Report {
  readonly ok: boolean;
  readonly resources: readonly Resource[];
  readonly error?: string;
}

function isReport(value: unknown): value is Report {
  const r = value as Report;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.ok === 'boolean' &&
    Array.isArray(r.resources) &&
    r.resources.every(
      (x) => typeof x?.title === 'string' && typeof x?.url === 'string' && typeof x?.kind === 'string',
    )
  );
}

export interface ProvisioningRun {
  /** Resolves with the outcome once the step has exited. */
  readonly done: Promise<Provisioning>;
  stop(): void;
}

/**
 * Forks provisioning's dev step (apply, say what changed, report the resources, exit). Its log
 * lines go to `onLine` as they come; its report arrives over the IPC channel fork() opens.
 */
export function runProvisioning(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  onLine: (line: string) => void;
}): ProvisioningRun {
  const dir = join(options.root, 'packages/provisioning');
  const child: ChildProcess = fork(join(dir, 'src/dev.ts'), [], {
    cwd: dir,
    env: options.env,
    execArgv: ['--conditions=@dd-challenge/source'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let report: Report | undefined;
  let lastLine = '';
  child.on('message', (message) => {
    if (isReport(message)) report = message;
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim()) lastLine = line;
      options.onLine(line);
    });
  }
  const done = new Promise<Provisioning>((resolve) => {
    child.once('exit', (code, signal) => {
      if (report?.ok) resolve({ state: 'done', resources: report.resources });
      else if (report) resolve({ state: 'failed', reason: report.error ?? 'apply failed' });
      else
        resolve({
          state: 'failed',
          reason: `exited (${signal ?? `code ${code}`}) without a report: ${lastLine}`,
        });
    });
  });
  return { done, stop: () => child.kill('SIGINT') };
}

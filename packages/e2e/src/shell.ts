import { type ChildProcess, spawn } from 'node:child_process';

export interface Ran {
  /** Exit code; null when a signal ended it (or the timeout did). */
  readonly code: number | null;
  /** stdout and stderr as they came. */
  readonly output: string;
  readonly stdout: string;
  readonly ms: number;
}

function start(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  // Through bash, as a person types it (NAME=value prefixes, &&), in a process group of its own.
  // bash runs a lone command in its own place (exec), as an interactive shell leaves a Ctrl-C to
  // the command; sh (dash) would wait, then kill itself with the SIGINT it got.
  const child: ChildProcess = spawn('bash', ['-c', command], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (d) => {
    output += d;
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  return { child, exited, output: () => output, stdout: () => stdout, signal };
}

/** Runs a command to its end; past `timeoutMs` its group is killed and code is null. */
export async function run(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Ran> {
  const started = Date.now();
  const p = start(command, options.cwd, options.env);
  const timer = setTimeout(() => p.signal('SIGKILL'), options.timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output(), stdout: p.stdout(), ms: Date.now() - started };
}

export interface Serving {
  output(): string;
  /** Ctrl-C as a terminal sends it (SIGINT to the group); SIGKILL past `withinMs`. */
  stop(withinMs?: number): Promise<Ran>;
}

/** Starts a long-running command and resolves once its output matches `ready`. */
export async function serve(
  command: string,
  ready: RegExp,
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Serving> {
  const p = start(command, options.cwd, options.env);
  const deadline = Date.now() + options.timeoutMs;
  while (!ready.test(p.output())) {
    if (p.child.exitCode !== null || p.child.signalCode !== null || Date.now() > deadline) {
      p.signal('SIGKILL');
      throw new Error(
        `\`${command}\` did not print ${ready} within ${options.timeoutMs} ms:\n${p.output().slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: p.output,
    async stop(withinMs = 5000) {
      const asked = Date.now();
      p.signal('SIGINT');
      const timer = setTimeout(() => p.signal('SIGKILL'), withinMs);
      const code = await p.exited;
      clearTimeout(timer);
      return { code, output: p.output(), stdout: p.stdout(), ms: Date.now() - asked };
    },
  };
}

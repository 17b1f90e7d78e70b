import { parseArgs } from 'node:util';
import { ConfigError, type Env, loadConfig, resolveTarget } from '@dd-challenge/config';
import { apply } from './apply.ts';
import { createApi } from './client.ts';
import { challengeSet } from './definitions/index.ts';
import { definitionSettings } from './definitions/settings.ts';
import { destroy } from './destroy.ts';
import { describeError } from './errors.ts';
import type { HttpOptions } from './http.ts';
import { lintDefinitions } from './lint.ts';
import { plan } from './plan.ts';
import { preview, renderPreview } from './preview.ts';
import { outcomesJson, painter, planJson, renderOutcomes, renderPlan } from './render.ts';
import { takeSnapshot } from './snapshot.ts';
import { definitionWire } from './wire.ts';

export const USAGE = `Usage: pnpm provision <command> [--target sandbox|datadog] [--json]

Commands:
  plan       what would change, field by field (+ create, ~ update, - delete); exit 2 when changes are pending
  apply      converge the target on the definitions; prints each resource's URL
  destroy    delete every resource this project owns (by its ownership tags), nothing else
  export     the JSON of each definition (the bodies the API takes; dashboards import in Datadog's UI)
  snapshot   graph snapshot of my_metric over the past 5 minutes, sent in an event that @-notifies NOTIFY_HANDLE
  preview    sandbox only: the downtime calendar of the next 7 days and a backtest of the monitor

Options:
  --target sandbox|datadog   default: datadog when DD_API_KEY and DD_APP_KEY are set, else the sandbox
  --json                     machine-readable output on stdout
  --refresh                  plan/apply: read every owned resource one by one (one request each) instead of trusting list fingerprints
  -h, --help                 this text

Exit codes: 0 done / no changes, 2 changes pending (plan), 1 error.
`;

const COMMANDS = ['plan', 'apply', 'destroy', 'export', 'snapshot', 'preview'] as const;
type Command = (typeof COMMANDS)[number];

/** Where the CLI reads its settings and writes its output; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env?: Env;
  /** Default: the repository's .env (beneath the environment). */
  readonly envFile?: string | false;
  readonly http?: HttpOptions;
}

export interface ParsedArgs {
  readonly command: Command;
  readonly target: string | undefined;
  readonly json: boolean;
  readonly refresh: boolean;
}

/** The command line as data, or an error message naming what is wrong. */
export function parseCli(argv: readonly string[]): ParsedArgs | { help: true } | { error: string } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        json: { type: 'boolean', default: false },
        refresh: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length === 0) return { error: `a command is required: ${COMMANDS.join(', ')}` };
  if (positionals.length > 1) return { error: `one command at a time (got ${positionals.join(' ')})` };
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command))
    return { error: `unknown command "${command}": use ${COMMANDS.join(', ')}` };
  const target = values.target as string | undefined;
  if (target !== undefined && target !== 'sandbox' && target !== 'datadog') {
    return { error: `--target must be sandbox or datadog (got "${target}")` };
  }
  return { command, target, json: Boolean(values.json), refresh: Boolean(values.refresh) };
}

function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text);
}

/** Runs one command; returns the exit code (0 done / no change, 2 changes pending, 1 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCli(argv);
  if ('help' in args) {
    write(io.stdout, USAGE);
    return 0;
  }
  if ('error' in args) {
    write(io.stderr, `Error: ${args.error}\n\n${USAGE}`);
    return 1;
  }
  const out = (value: unknown) => write(io.stdout, `${JSON.stringify(value, null, 2)}\n`);
  const paint = painter(io.stdout);

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ env: io.env, envFile: io.envFile });
  } catch (error) {
    if (error instanceof ConfigError) {
      write(io.stderr, `Invalid configuration (nothing was sent):\n${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const settings = definitionSettings(config);
  const desired = challengeSet(settings);
  const problems = lintDefinitions(desired);
  if (problems.length > 0) {
    write(
      io.stderr,
      `The definitions do not pass the lint (nothing was sent):\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 1;
  }

  if (args.command === 'export') {
    out(desired.map((d) => ({ kind: d.kind, name: d.name, body: definitionWire(d) })));
    return 0;
  }

  let target: ReturnType<typeof resolveTarget>;
  try {
    target = resolveTarget(config, args.target);
  } catch (error) {
    if (error instanceof ConfigError) {
      write(io.stderr, `Invalid configuration (nothing was sent):\n${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const api = createApi(target, io.http);
  const where = `${target.name} (${target.apiUrl})`;

  try {
    switch (args.command) {
      case 'plan': {
        const planned = await plan(api, desired, { refresh: args.refresh });
        if (args.json)
          out({ target: target.name, ...(planJson(planned) as object), requests: api.http.requests });
        else write(io.stdout, `Plan against ${where}:\n${renderPlan(planned, paint)}`);
        return planned.empty ? 0 : 2;
      }
      case 'apply': {
        const result = await apply(api, desired, {
          refresh: args.refresh,
          onPlan: (planned, round) => {
            if (!args.json && !planned.empty) {
              write(
                io.stdout,
                `${round === 1 ? `Applying to ${where}` : `Round ${round}, after a transient failure`}:\n${renderPlan(planned, paint)}`,
              );
            }
          },
        });
        if (args.json)
          out({
            target: target.name,
            ok: result.ok,
            rounds: result.rounds,
            outcomes: outcomesJson(result.outcomes),
            requests: api.http.requests,
          });
        else write(io.stdout, renderOutcomes(result.outcomes, paint));
        return result.ok ? 0 : 1;
      }
      case 'destroy': {
        const result = await destroy(api);
        if (args.json)
          out({
            target: target.name,
            ok: result.ok,
            outcomes: outcomesJson(result.outcomes),
            requests: api.http.requests,
          });
        else if (result.outcomes.length === 0)
          write(io.stdout, `Nothing owned by this project on ${where}.\n`);
        else write(io.stdout, renderOutcomes(result.outcomes, paint));
        return result.ok ? 0 : 1;
      }
      case 'snapshot': {
        const result = await takeSnapshot(api, settings);
        if (args.json) out({ target: target.name, ...result });
        else {
          write(io.stdout, `Snapshot: ${paint('cyan', result.snapshotUrl)}\n`);
          write(
            io.stdout,
            `Event ${result.eventId} sent to ${settings.notifyHandle}${result.eventUrl ? `: ${paint('cyan', result.eventUrl)}` : ''}\n`,
          );
        }
        return 0;
      }
      case 'preview': {
        if (target.name !== 'sandbox') {
          write(
            io.stderr,
            "preview runs on the sandbox only (it reads the sandbox's /sandbox/ routes, which Datadog does not have): use --target sandbox\n",
          );
          return 1;
        }
        const result = await preview(api, desired);
        if (args.json) out(result);
        else write(io.stdout, renderPreview(result, paint));
        return 0;
      }
    }
  } catch (error) {
    write(io.stderr, `${describeError(`${args.command} on ${where}`, error)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}

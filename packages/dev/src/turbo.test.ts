import { describe, expect, it } from 'vitest';
import { readTurboLine } from './turbo.ts';

// Lines as turbo 2 writes them with --ui=stream --log-prefix=task --no-color (taken from a run
// where traffic had a bad setting and was stopped by Ctrl-C).
const RUN = [
  '',
  '   • turbo 2.11.11',
  '   • Packages in scope: @dd-challenge/traffic',
  '   • Running dev in 1 package',
  '   • Remote caching disabled',
  '@dd-challenge/traffic:dev: cache bypass, force executing f974692600cc8e0d',
  '@dd-challenge/traffic:dev: $ node --conditions=@dd-challenge/source src/main.ts',
  '@dd-challenge/traffic:dev: Invalid configuration:',
  '@dd-challenge/traffic:dev: TRAFFIC_RPS: "abc" must be a positive number (for example TRAFFIC_RPS=5)',
  '@dd-challenge/traffic:dev: [ELIFECYCLE] Command failed with exit code 1.',
  '@dd-challenge/traffic#dev:  WARNING  command finished with error, but continuing...',
  '@dd-challenge/traffic#dev:  ERROR  command (/work/main/apps/traffic) /usr/bin/pnpm run dev exited (1)',
  'Shutting down Turborepo tasks...',
  '@dd-challenge/metric-emitter:dev: [ELIFECYCLE] Command failed.',
  ' Tasks:    0 successful, 1 total',
  'Cached:    0 cached, 1 total',
  '  Time:    882ms ',
  'Failed:    @dd-challenge/traffic#dev',
  ' ERROR  run failed: command  exited (1)',
];

describe('readTurboLine', () => {
  it("keeps the apps' own lines and each failed command, and drops the chatter", () => {
    const kept = RUN.map(readTurboLine).filter((l) => l.kind !== 'drop');
    expect(kept).toEqual([
      { kind: 'app', task: 'traffic', text: 'Invalid configuration:' },
      {
        kind: 'app',
        task: 'traffic',
        text: 'TRAFFIC_RPS: "abc" must be a positive number (for example TRAFFIC_RPS=5)',
      },
      { kind: 'exit', task: 'traffic', code: 1 },
      // Stopped by a signal: no code.
      { kind: 'exit', task: 'metric-emitter', code: undefined },
    ]);
  });

  it("keeps an app's line as it wrote it, colours included", () => {
    const text = '\x1b[32m[12:00:01.234] INFO (traced-api): listening\x1b[39m';
    expect(readTurboLine(`@dd-challenge/traced-api:dev: ${text}`)).toEqual({
      kind: 'app',
      task: 'traced-api',
      text,
    });
  });

  it("shows turbo's own unknown lines: they may be why nothing starts", () => {
    expect(readTurboLine('  x Missing `packageManager` field in package.json')).toEqual({
      kind: 'turbo',
      text: 'x Missing `packageManager` field in package.json',
    });
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from './helpers.ts';
import { type NotesServer, startNotesServer } from './notes-server.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('the traffic process', { timeout: 40_000 }, () => {
  let api: NotesServer | undefined;
  afterAll(async () => {
    await api?.close();
  });

  it('runs from the environment, stops on SIGTERM with exit 0 (JSON logs at debug)', async () => {
    api = await startNotesServer(0, 10);
    const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', main], {
      env: {
        PATH: process.env.PATH,
        TRAFFIC_TARGET: api.url,
        TRAFFIC_RPS: '20',
        TRAFFIC_MODE: 'errors',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // errors mode: wait for a bad input answered 400 among the first requests.
    await until(
      () => api!.traffic().length >= 10 && api!.traffic().some((s) => s.status === 400),
      25_000,
      `requests from the process (output: ${out})`,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ mode: 'errors', rps: 20, target: api.url });
    // Stopped when asked: the summary is at debug.
    const done = lines.find((l) => String(l.msg).startsWith('traffic done: '));
    expect(done, out).toMatchObject({ level: 20, summary: { unexpected: 0 } });
  });

  it('ends by itself after TRAFFIC_DURATION, saying so in readable lines off a TTY', async () => {
    api ??= await startNotesServer(0, 10);
    const child = spawn(process.execPath, ['--conditions=@dd-challenge/source', main], {
      env: { PATH: process.env.PATH, TRAFFIC_TARGET: api.url, TRAFFIC_RPS: '20', TRAFFIC_DURATION: '1s' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^\[[\d:.]+\] INFO \(traffic\): sending steady traffic at 20 req\/s to http/);
    expect(lines.at(-1)).toMatch(/ INFO \(traffic\): traffic done: [\d.]+ req\/s/);
    expect(out).not.toMatch(/^\{/m);
  });
});

import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { type Config, loadConfig } from '@dd-challenge/config';
import pino, { type Logger } from 'pino';

/** The project's config from an explicit environment only (no .env, no process.env). */
export function configFrom(env: Record<string, string>): Config {
  return loadConfig({ env, envFile: false });
}

/** A pino logger whose JSON lines are kept in `lines` for assertions. */
export function captureLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

/** Resolves when `check` is true, polling every 5 ms; rejects after `ms`. */
export async function until(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Receiver {
  readonly datagrams: string[];
  close(): Promise<void>;
}

/** A DogStatsD stand-in: a UDP socket on a free loopback port that keeps every datagram. */
export async function udpReceiver(port = 0): Promise<Receiver & { port: number }> {
  const socket = dgram.createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return {
    port: socket.address().port,
    datagrams,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A port that was free a moment ago: nothing listens there. */
export async function freeUdpPort(): Promise<number> {
  const r = await udpReceiver();
  await r.close();
  return r.port;
}

/** Timers the test fires by hand: `fire()` runs the armed timeout (the next scheduled point). */
export function manualTimers() {
  let armed: (() => void) | undefined;
  const delays: number[] = [];
  return {
    delays,
    timers: {
      setTimeout(fn: () => void, ms: number) {
        armed = fn;
        delays.push(ms);
        return fn;
      },
      clearTimeout(handle: unknown) {
        if (handle === armed) armed = undefined;
      },
    },
    fire() {
      const fn = armed;
      armed = undefined;
      if (!fn) throw new Error('no timer armed');
      fn();
    },
  };
}

/** A deterministic source of [0, 1) numbers from a list, cycling. */
export function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** The datagram the emitter must send for `value` with the default settings. */
export const DEFAULT_TAGS = 'role:database,mytag,env:dev,service:metric-emitter,version:0.1.0';

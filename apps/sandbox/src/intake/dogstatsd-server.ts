import { createSocket, type Socket } from 'node:dgram';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { DogStatsDParser } from './dogstatsd-parser.ts';
import type { IntakeStats } from './stats.ts';

export interface DogStatsDServer {
  readonly host: string;
  readonly port: number;
  /** Path of the Unix datagram socket, when one was asked for. */
  readonly socketPath: string | undefined;
  close(): Promise<void>;
}

interface UnixDgramSocket {
  bind(path: string): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'listening', fn: () => void): void;
  close(): void;
}

/** The Agent reads up to dogstatsd_buffer_size (8192) a packet; the kernel buffer takes bursts. */
const RECEIVE_BUFFER = 8 * 1024 * 1024;

/**
 * DogStatsD over UDP (and a Unix datagram socket when `socketPath` is given, through the
 * unix-dgram addon hot-shots itself uses: Node's dgram has no AF_UNIX). Every packet goes to the
 * parser; a parser error never closes the socket.
 */
export async function startDogStatsD(options: {
  host: string;
  port: number;
  socketPath?: string | undefined;
  parser: DogStatsDParser;
  stats: IntakeStats;
  log: Logger;
}): Promise<DogStatsDServer> {
  const { parser, log, stats } = options;
  const udp: Socket = createSocket({
    type: options.host.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: RECEIVE_BUFFER,
  });
  udp.on('message', (msg) => parser.parse(msg));
  udp.on('error', (err) => log.error({ err }, 'DogStatsD UDP socket error'));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port, options.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  try {
    udp.setRecvBufferSize(RECEIVE_BUFFER);
  } catch {
    // the kernel caps it at net.core.rmem_max; the default still works
  }
  const port = udp.address().port;
  stats.listeners.push({ name: 'dogstatsd', protocol: 'udp', address: `${options.host}:${port}` });

  let unix: UnixDgramSocket | undefined;
  const socketPath = options.socketPath;
  if (socketPath) {
    const require = createRequire(import.meta.url);
    let unixDgram: { createSocket(type: 'unix_dgram', onMessage: (buf: Buffer) => void): UnixDgramSocket };
    try {
      unixDgram = require('unix-dgram');
    } catch (error) {
      // An optional native addon: pnpm install goes on when it cannot build (no Node headers).
      throw new Error(
        `DogStatsD over a Unix socket (${socketPath}) needs the unix-dgram addon, which is not built here ` +
          `(${(error as Error).message.split('\n')[0]}). Build it with Node's headers: ` +
          'npm_config_nodedir=<node headers> pnpm rebuild unix-dgram; or leave the socket unset and use UDP.',
      );
    }
    const { createSocket: createUnix } = unixDgram;
    if (existsSync(socketPath)) rmSync(socketPath);
    const sock = createUnix('unix_dgram', (buf) => parser.parse(buf));
    await new Promise<void>((resolve, reject) => {
      sock.on('error', reject);
      sock.on('listening', () => resolve());
      sock.bind(socketPath);
    });
    sock.on('error', (err) => log.error({ err }, 'DogStatsD Unix socket error'));
    unix = sock;
    stats.listeners.push({ name: 'dogstatsd', protocol: 'unixgram', address: socketPath });
  }

  return {
    host: options.host,
    port,
    socketPath,
    async close() {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (unix) {
        unix.close();
        if (socketPath) rmSync(socketPath, { force: true });
      }
    },
  };
}

import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { IntakeStats } from '../stats.ts';

export interface DogStatsDServer {
  readonly host: string;
  readonly port: number;
  /** The socket's receive buffer as the kernel set it (capped by net.core.rmem_max). */
  readonly recvBufferSize: number;
  close(): Promise<void>;
}

/** The receive buffer asked for by default (the Agent's dogstatsd_so_rcvbuf). */
export const RECEIVE_BUFFER = 8 * 1024 * 1024;

/**
 * DogStatsD over UDP (what hot-shots and the Agent use by default): every datagram goes to
 * `onPacket` on the main thread. A handler error is logged, never closes the socket.
 */
export async function startDogStatsD(options: {
  host: string;
  port: number;
  onPacket: (packet: Buffer) => void;
  stats: IntakeStats;
  log: Logger;
  /** Socket receive buffer to ask for (default 8 MB). */
  recvBufferSize?: number | undefined;
}): Promise<DogStatsDServer> {
  const { host, log, stats } = options;
  const recvBufferSize = options.recvBufferSize ?? RECEIVE_BUFFER;
  const udp = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize });
  udp.on('message', (msg) => {
    try {
      options.onPacket(msg);
    } catch (error) {
      log.error({ err: error }, 'DogStatsD packet handler failed');
    }
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  udp.on('error', (err) => log.error({ err }, 'DogStatsD UDP socket error'));
  const port = udp.address().port;
  stats.udpKernelDrops = () => udpKernelDrops(port, host.includes(':'));
  stats.listeners.push({ name: 'dogstatsd', protocol: 'udp', address: `${host}:${port}` });
  return {
    host,
    port,
    recvBufferSize: udp.getRecvBufferSize(),
    close: () => new Promise<void>((resolve) => udp.close(() => resolve())),
  };
}

/**
 * Datagrams the kernel dropped on the UDP socket bound to `port` (the drops column of
 * /proc/net/udp, Linux): what arrived while the receive buffer was full. undefined elsewhere.
 */
export function udpKernelDrops(port: number, v6 = false): number | undefined {
  try {
    const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const table = readFileSync(v6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(hex)) return Number(cols[12]);
    }
  } catch {
    // not Linux
  }
  return undefined;
}

import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { IntakeStats } from '../stats.ts';
import { isIpLiteral, type NativeListener, nativeListener } from './native.ts';
import { type DogStatsDParser, MAX_SHAPES } from './parser.ts';
import { CTL, REC, type ReceiverData, type ReceiverMessage, WRAP } from './receiver.ts';

export interface DogStatsDServer {
  readonly host: string;
  readonly port: number;
  /** Path of the Unix datagram socket, when one was asked for. */
  readonly socketPath: string | undefined;
  /** The UDP socket's receive buffer as the kernel set it (read back; capped by net.core.rmem_max). */
  readonly recvBufferSize: number;
  /**
   * Who reads the UDP socket: `native`, a C thread (native/udp_listener.c, the default when built);
   * `worker`, a worker thread (when it is not); `main`, the main thread.
   */
  readonly receiver: UdpReceiverKind;
  /** Parses now whatever the receiver thread has queued (flush() calls it first). */
  drain(): void;
  close(): Promise<void>;
}

interface UnixDgramSocket {
  bind(path: string): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'listening', fn: () => void): void;
  close(): void;
}

/**
 * The socket receive buffer asked for (the Agent's dogstatsd_so_rcvbuf): the kernel caps it at
 * net.core.rmem_max (then doubles it for its bookkeeping); the Agent reads up to 8192 bytes a packet.
 */
export const RECEIVE_BUFFER = 8 * 1024 * 1024;
/** The receiver thread's ring of datagrams (a power of two). */
const RING_BYTES = 16 * 1024 * 1024;
/** Longest the main thread parses queued datagrams before giving the event loop a turn. */
const DRAIN_SLICE_MS = 20;

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
  /** Socket receive buffer to ask for (default 8 MB). */
  recvBufferSize?: number | undefined;
  /**
   * Who reads the UDP socket (default: `native` when the addon is built and `host` is an IP
   * address, else `worker`). Asking for `native` where it cannot run is an error.
   */
  receiver?: UdpReceiverKind | undefined;
  /** The receiver thread's ring size, a power of two (default 16 MB). */
  ringBytes?: number | undefined;
  /** Line shapes the native listener learns before starting over (default 100,000; tests lower it). */
  nativeShapes?: number | undefined;
}): Promise<DogStatsDServer> {
  const { parser, log, stats } = options;
  const recvBufferSize = options.recvBufferSize ?? RECEIVE_BUFFER;
  const ringBytes = options.ringBytes ?? RING_BYTES;
  const kind = chooseReceiver(options.receiver, options.host, log);
  const udp =
    kind === 'main'
      ? await mainThreadUdp(options.host, options.port, recvBufferSize, parser, log)
      : kind === 'worker'
        ? await workerUdp(options.host, options.port, recvBufferSize, ringBytes, parser, log)
        : await nativeUdp(
            (nativeListener() as { listener: NativeListener }).listener,
            options.host,
            options.port,
            recvBufferSize,
            ringBytes,
            // as many shapes as the JS parser's own cache keeps
            options.nativeShapes ?? MAX_SHAPES,
            parser,
            log,
          );
  const port = udp.port;
  const v6 = options.host.includes(':');
  stats.udpKernelDrops = () => udpKernelDrops(port, v6);
  stats.listeners.push({
    name: 'dogstatsd',
    protocol: 'udp',
    address: `${options.host}:${port}`,
    reader: kind,
  });

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
    recvBufferSize: udp.recvBufferSize,
    receiver: kind,
    drain: () => udp.drain(),
    async close() {
      await udp.close();
      if (unix) {
        unix.close();
        if (socketPath) rmSync(socketPath, { force: true });
      }
    },
  };
}

export type UdpReceiverKind = 'native' | 'worker' | 'main';

/** The receiver asked for, or the best one here; says (info) why the native one is not used. */
function chooseReceiver(asked: UdpReceiverKind | undefined, host: string, log: Logger): UdpReceiverKind {
  if (asked === 'main' || asked === 'worker') return asked;
  const native = nativeListener();
  const why =
    'error' in native
      ? `the native listener is not built (${native.error}); build it with pnpm --filter @dd-challenge/sandbox build:native`
      : isIpLiteral(host)
        ? undefined
        : `the native listener binds IP addresses, not the name ${host}`;
  if (why === undefined) return 'native';
  if (asked === 'native') throw new Error(`DogStatsD receiver 'native' cannot run: ${why}`);
  log.info(`DogStatsD: ${why}; UDP is read on a worker thread`);
  return 'worker';
}

interface UdpReceiver {
  readonly port: number;
  readonly recvBufferSize: number;
  drain(): void;
  close(): Promise<void>;
}

/** The UDP socket read on the main thread: each datagram parsed as it is read. */
async function mainThreadUdp(
  host: string,
  port: number,
  recvBufferSize: number,
  parser: DogStatsDParser,
  log: Logger,
): Promise<UdpReceiver> {
  const udp: Socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize });
  udp.on('message', (msg) => parser.parse(msg));
  udp.on('error', (err) => log.error({ err }, 'DogStatsD UDP socket error'));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  try {
    udp.setRecvBufferSize(recvBufferSize);
  } catch {
    // the kernel caps it at net.core.rmem_max; the default still works
  }
  return {
    port: udp.address().port,
    recvBufferSize: udp.getRecvBufferSize(),
    drain() {},
    close: () => new Promise<void>((resolve) => udp.close(() => resolve())),
  };
}

/**
 * Parses the ring's queued records (see dogstatsd-receiver.ts) until it is empty or `deadline`
 * (ms) passes; `room()` is called when the writer waits for room and some was freed.
 * Returns whether the ring is empty.
 */
function ringParser(
  ringBuffer: ArrayBufferLike,
  ctl: Int32Array,
  parser: DogStatsDParser,
  room: () => void,
  /** The native listener's shape states (pre-parsed records), when it pre-parses. */
  shapes?: Int32Array,
): (deadline: number) => boolean {
  const ring = Buffer.from(ringBuffer);
  const words = new Int32Array(ringBuffer);
  const dv = new DataView(ringBuffer);
  const size = ring.length;
  const mask = size - 1;
  return (deadline) => {
    let r = Atomics.load(ctl, CTL.READ) >>> 0;
    let n = 0;
    // The write position is read again only once the records up to it are parsed, and the read
    // position published every 16 records: each Atomics call is a builtin call that returns a
    // number, a heap allocation once the position passes 2^30 (most of the time).
    let w = Atomics.load(ctl, CTL.WRITE) >>> 0;
    try {
      for (;;) {
        if (r === w) {
          Atomics.store(ctl, CTL.READ, r | 0);
          w = Atomics.load(ctl, CTL.WRITE) >>> 0;
          if (r === w) break;
        }
        const at = r & mask;
        const word = at >> 2;
        const kind = words[word] as number;
        if (kind >= 0) {
          parser.parse(ring, at + 4, at + 4 + kind);
          r += 4 + ((kind + 3) & ~3);
        } else if (kind === REC.FAST) {
          const lines = words[word + 1] as number;
          parser.knownLines(dv, at + 8, lines);
          r += 8 + 12 * lines;
        } else if (kind === REC.PACKET) {
          parser.packet(words[word + 1] as number);
          r += 8;
        } else if (kind === REC.LINE) {
          const id = words[word + 1] as number;
          const len = words[word + 2] as number;
          if (parser.line(ring, at + 12, at + 12 + len, id) && shapes)
            Atomics.store(shapes, id, parser.nativeEpoch);
          r += 12 + ((len + 3) & ~3);
        } else if (kind === WRAP) {
          r += size - at;
        } else if (kind === REC.RESET) {
          parser.nativeReset();
          r += 4;
        } else {
          throw new Error(`DogStatsD ring: unknown record ${kind} at ${at}`);
        }
        r >>>= 0;
        if ((++n & 15) === 0) {
          Atomics.store(ctl, CTL.READ, r | 0);
          // the writer may be waiting for room
          if (Atomics.load(ctl, CTL.WAITING) !== 0) room();
          if (performance.now() > deadline) break;
        }
      }
    } finally {
      // what was parsed is published even when a record throws, so it is not parsed twice
      Atomics.store(ctl, CTL.READ, r | 0);
    }
    if (n > 0 && Atomics.load(ctl, CTL.WAITING) !== 0) room();
    return r === Atomics.load(ctl, CTL.WRITE) >>> 0;
  };
}

function checkRingBytes(ringBytes: number): void {
  if (ringBytes < 65_536 || ringBytes > 2 ** 30 || (ringBytes & (ringBytes - 1)) !== 0)
    throw new Error(`ringBytes: a power of two from 64 KiB to 1 GiB, not ${ringBytes}`);
}

/**
 * The UDP socket read by a plain OS thread of the native addon (native/udp_listener.c) into a
 * ring; the main thread parses the ring when the addon rings (a thread-safe call, made only when
 * the main thread found the ring empty and armed it), a slice of at most DRAIN_SLICE_MS at a time.
 */
async function nativeUdp(
  native: NativeListener,
  host: string,
  port: number,
  recvBufferSize: number,
  ringBytes: number,
  shapeCount: number,
  parser: DogStatsDParser,
  log: Logger,
): Promise<UdpReceiver> {
  checkRingBytes(ringBytes);
  if (!(Number.isInteger(shapeCount) && shapeCount >= 1 && shapeCount <= 10_000_000))
    throw new Error(`nativeShapes: an integer from 1 to 10,000,000, not ${shapeCount}`);
  const ring = new ArrayBuffer(ringBytes);
  const ctlBuffer = new ArrayBuffer(CTL.SIZE * 4);
  const ctl = new Int32Array(ctlBuffer);
  const shapesBuffer = new ArrayBuffer(shapeCount * 4);
  const shapes = new Int32Array(shapesBuffer);
  let closed = false;
  let scheduled = false;
  let handle: object | undefined;
  const parseQueued = ringParser(ring, ctl, parser, () => handle && native.wake(handle), shapes);

  let poll: NodeJS.Timeout | undefined;
  const pump = (): void => {
    scheduled = false;
    poll = undefined;
    if (closed) return;
    const before = Atomics.load(ctl, CTL.READ);
    let empty = true;
    try {
      empty = parseQueued(performance.now() + DRAIN_SLICE_MS);
    } catch (error) {
      log.error({ err: error }, 'DogStatsD drain failed');
    }
    if (!empty) {
      schedule();
      return;
    }
    if (Atomics.load(ctl, CTL.READ) !== before) {
      // Traffic: look again in a millisecond rather than be rung for the next datagram. Each
      // ring costs both threads a system call and this one a turn of the loop; at the top rate
      // they came ~13,000 times a second. The ring holds far more than a millisecond's worth.
      scheduled = true;
      poll = setTimeout(pump, 1);
      return;
    }
    // Quiet: arm, then look again (a write between the look and the arm would go unrung).
    Atomics.store(ctl, CTL.ARMED, 1);
    if (Atomics.load(ctl, CTL.WRITE) !== Atomics.load(ctl, CTL.READ)) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };

  // Throws as dgram's bind does (EADDRINUSE...), synchronously.
  const bound = native.listen({
    host,
    port,
    recvBufferSize,
    ring,
    ctl: ctlBuffer,
    onData: schedule,
    shapes: shapesBuffer,
  });
  handle = bound.handle;
  Atomics.store(ctl, CTL.ARMED, 1);
  return {
    port: bound.port,
    recvBufferSize: bound.recvBufferSize,
    drain: () => {
      try {
        parseQueued(Number.POSITIVE_INFINITY);
      } catch (error) {
        log.error({ err: error }, 'DogStatsD drain failed');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(poll);
      if (handle) native.close(handle);
      const errors = Atomics.load(ctl, CTL.RECV_ERRORS);
      if (errors > 0) log.warn({ errors }, 'DogStatsD UDP reads failed');
      try {
        parseQueued(Number.POSITIVE_INFINITY);
      } catch (error) {
        log.error({ err: error }, 'DogStatsD drain failed');
      }
    },
  };
}

/**
 * The UDP socket read by a worker thread (dogstatsd-receiver.ts) into a shared ring, where the
 * native listener is not built; the main thread parses the ring when woken (Atomics.waitAsync),
 * a slice of at most DRAIN_SLICE_MS at a time. When the ring is full the receiver thread waits
 * (the kernel buffer then takes the backlog).
 */
async function workerUdp(
  host: string,
  port: number,
  recvBufferSize: number,
  ringBytes: number,
  parser: DogStatsDParser,
  log: Logger,
): Promise<UdpReceiver> {
  checkRingBytes(ringBytes);
  const ringSab = new SharedArrayBuffer(ringBytes);
  const ctlSab = new SharedArrayBuffer(CTL.SIZE * 4);
  const ctl = new Int32Array(ctlSab);
  const data: ReceiverData = { host, port, recvBufferSize, ring: ringSab, ctl: ctlSab };
  const worker = new Worker(
    new URL(`./receiver${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
    {
      workerData: { dogstatsdReceiver: data },
      // the receiver needs no more than a small heap
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    },
  );
  let closed = false;
  const parseQueued = ringParser(ringSab, ctl, parser, () => Atomics.notify(ctl, CTL.READ));

  const drainAll = () => {
    try {
      parseQueued(Number.POSITIVE_INFINITY);
    } catch (error) {
      log.error({ err: error }, 'DogStatsD drain failed');
    }
  };

  /** Parses a slice, then waits for the next datagram (or goes on after a turn of the loop). */
  const pump = (): void => {
    if (closed) return;
    let empty = true;
    const seq = Atomics.load(ctl, CTL.SEQ);
    try {
      empty = parseQueued(performance.now() + DRAIN_SLICE_MS);
    } catch (error) {
      log.error({ err: error }, 'DogStatsD drain failed');
    }
    if (!empty) {
      setImmediate(pump);
      return;
    }
    const wait = Atomics.waitAsync(ctl, CTL.SEQ, seq);
    if (wait.async) wait.value.then(pump);
    else setImmediate(pump);
  };

  const ready = await new Promise<{ port: number; recvBufferSize: number }>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.on('message', function first(m: ReceiverMessage) {
      if (m.type === 'listening') {
        worker.off('error', onError);
        worker.off('message', first);
        resolve(m);
      } else if (m.type === 'error') {
        worker.off('message', first);
        void worker.terminate();
        reject(new Error(m.message));
      }
    });
  });
  worker.on('message', (m: ReceiverMessage) => {
    if (m.type === 'error') log.error({ err: new Error(m.message) }, 'DogStatsD UDP socket error');
  });
  worker.on('error', (err) => log.error({ err }, 'DogStatsD receiver thread failed'));
  pump();

  return {
    port: ready.port,
    recvBufferSize: ready.recvBufferSize,
    drain: drainAll,
    async close() {
      if (closed) return;
      const done = new Promise<void>((resolve) => {
        worker.on('message', (m: ReceiverMessage) => {
          if (m.type === 'closed') resolve();
        });
        worker.once('exit', () => resolve());
      });
      Atomics.store(ctl, CTL.CLOSING, 1);
      Atomics.notify(ctl, CTL.READ);
      worker.postMessage({ type: 'close' });
      await done;
      closed = true;
      drainAll();
      // wake a pending waitAsync so nothing is left waiting on the ring
      Atomics.add(ctl, CTL.SEQ, 1);
      Atomics.notify(ctl, CTL.SEQ);
      await worker.terminate();
    },
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

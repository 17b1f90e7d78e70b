// The DogStatsD UDP socket's own thread (a worker_thread): it only reads datagrams and copies
// each into a ring of shared memory that the main thread parses. A main-thread pause (a GC, a
// bucket write, an HTTP request) then no longer stops the socket being read: the ring (16 MB;
// the kernel buffer holds ~500 datagrams of 8 KB, ~140 ms at 400k lines/s) takes the backlog.
// When the ring is full this thread waits for room (backpressure to the kernel buffer). Node
// builtins only, so it loads in any worker.
import { createSocket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';

/** Control words (Int32) shared with the main thread. */
export const CTL = {
  /** Bytes written (a uint32 counter that wraps); only this thread moves it. */
  WRITE: 0,
  /** Bytes consumed; only the main thread moves it. */
  READ: 1,
  /** Bumped after each write; the main thread waits on it (Atomics.waitAsync). */
  SEQ: 2,
  /** 1 while this thread waits for room in the ring (the main thread then notifies READ). */
  WAITING: 3,
  /** 1 once the main thread closes the receiver: a wait for room gives up. */
  CLOSING: 4,
  /** Native listener only: set by the main thread when it found the ring empty; the listener
   * clears it and calls onData (a thread-safe call) after its next write. */
  ARMED: 5,
  /** Native listener only: reads that failed (not EAGAIN). */
  RECV_ERRORS: 6,
  SIZE: 8,
} as const;

/** A record whose length word is this goes on at the ring's start. */
export const WRAP = -1;

/**
 * Records only the native listener writes (native/dogstatsd_preparse.h): a datagram's start,
 * pre-parsed lines of learnt shapes, a line for the JS parser, its shape table starting over.
 * A length word >= 0 is a raw datagram (what this thread writes).
 */
export const REC = { PACKET: -2, FAST: -3, LINE: -4, RESET: -5 } as const;

export interface ReceiverData {
  readonly host: string;
  readonly port: number;
  readonly recvBufferSize: number;
  readonly ring: SharedArrayBuffer;
  readonly ctl: SharedArrayBuffer;
}

export type ReceiverMessage =
  | { type: 'listening'; port: number; recvBufferSize: number }
  | { type: 'error'; message: string }
  | { type: 'closed' };

function run(data: ReceiverData): void {
  const port = parentPort;
  if (!port) return;
  const ring = new Uint8Array(data.ring);
  const words = new Int32Array(data.ring);
  const ctl = new Int32Array(data.ctl);
  const size = ring.length;
  const mask = size - 1;
  const sock = createSocket({
    type: data.host.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: data.recvBufferSize,
  });
  sock.on('message', (msg: Buffer) => {
    const len = msg.length;
    const need = 4 + ((len + 3) & ~3);
    let w = Atomics.load(ctl, CTL.WRITE) >>> 0;
    const at = w & mask;
    // A record never straddles the end: the tail is skipped (marked) when it does not fit.
    const skip = at + need > size ? size - at : 0;
    let read = Atomics.load(ctl, CTL.READ);
    if (size - ((w - (read >>> 0)) >>> 0) < skip + need) {
      // Ring full: wait for the main thread (as the Agent's listener blocks on its full packet
      // channel), so no CPU goes to datagrams that could not be parsed: the kernel buffer holds
      // what arrives meanwhile and drops the rest (/proc/net/udp, /sandbox/intake udp_kernel_drops).
      Atomics.store(ctl, CTL.WAITING, 1);
      while (size - ((w - (read >>> 0)) >>> 0) < skip + need && Atomics.load(ctl, CTL.CLOSING) === 0) {
        Atomics.wait(ctl, CTL.READ, read, 100);
        read = Atomics.load(ctl, CTL.READ);
      }
      Atomics.store(ctl, CTL.WAITING, 0);
      if (Atomics.load(ctl, CTL.CLOSING) !== 0) return;
    }
    if (skip > 0) {
      words[at >> 2] = WRAP;
      w = (w + skip) >>> 0;
    }
    const to = w & mask;
    words[to >> 2] = len;
    ring.set(msg, to + 4);
    Atomics.store(ctl, CTL.WRITE, (w + need) | 0);
    Atomics.add(ctl, CTL.SEQ, 1);
    Atomics.notify(ctl, CTL.SEQ);
  });
  sock.on('error', (err) =>
    port.postMessage({ type: 'error', message: err.message } satisfies ReceiverMessage),
  );
  sock.bind(data.port, data.host, () => {
    try {
      sock.setRecvBufferSize(data.recvBufferSize);
    } catch {
      // capped at net.core.rmem_max; what the kernel gave is read back below
    }
    port.postMessage({
      type: 'listening',
      port: sock.address().port,
      recvBufferSize: sock.getRecvBufferSize(),
    } satisfies ReceiverMessage);
  });
  port.on('message', (m: { type: string }) => {
    if (m.type === 'close')
      sock.close(() => {
        port.postMessage({ type: 'closed' } satisfies ReceiverMessage);
        port.close();
      });
  });
}

if (parentPort && (workerData as { dogstatsdReceiver?: ReceiverData } | undefined)?.dogstatsdReceiver)
  run((workerData as { dogstatsdReceiver: ReceiverData }).dogstatsdReceiver);

// The native DogStatsD UDP listener (native/udp_listener.c), built by `pnpm install`
// (native/build.mjs). Optional: when it is not built (no C compiler, no Node headers, Windows)
// the sandbox reads UDP on a worker thread instead, with the same results, and says why.
import { createRequire } from 'node:module';

export interface NativeListener {
  /** Binds host:port (an IP literal) and starts the reading thread; throws as dgram's bind does. */
  listen(options: {
    host: string;
    port: number;
    recvBufferSize: number;
    /** The ring the thread writes (a power of two, 64 KiB to 1 GiB). */
    ring: ArrayBuffer;
    /** The control words (CTL in dogstatsd-receiver.ts). */
    ctl: ArrayBuffer;
    /** Called on the main thread when the ring gets data after JS set ARMED. */
    onData: () => void;
    /** Pre-parse lines (REC records): the epoch JS learnt each shape id in (int32 each). */
    shapes?: ArrayBuffer;
  }): { handle: object; port: number; recvBufferSize: number };
  /** Tells a thread waiting for room (CTL.WAITING) that JS freed some. */
  wake(handle: object): void;
  /** Stops and joins the thread and closes the socket; the ring keeps what it holds. */
  close(handle: object): void;
}

let loaded: { listener: NativeListener } | { error: string } | undefined;

/** The addon, or why it is not there (read once). */
export function nativeListener(): { listener: NativeListener } | { error: string } {
  if (!loaded) {
    try {
      // Same relative path from src/intake and dist/intake.
      const addon = createRequire(import.meta.url)('../../../native/build/Release/udp_listener.node');
      loaded = { listener: addon as NativeListener };
    } catch (error) {
      loaded = { error: (error as Error).message.split('\n')[0] ?? 'not built' };
    }
  }
  return loaded;
}

/** Whether the native listener can bind `host` (it takes IP literals, not names). */
export const isIpLiteral = (host: string): boolean =>
  /^(\d{1,3}\.){3}\d{1,3}$/.test(host) || host.includes(':');

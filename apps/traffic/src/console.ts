import { Writable } from 'node:stream';
import pino, { type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Snapshot } from './stats.ts';
import { formatSnapshot } from './stats.ts';
import type { Phase } from './traffic.ts';

const CLEAR_LINE = '\r\x1b[2K';

export interface Console {
  readonly log: Logger;
  /** Shows the live figures: the one status line on a TTY, a log line every `everyMs` otherwise. */
  progress(snapshot: Snapshot, phase: Phase): void;
  /** Removes the status line before exit. */
  close(): void;
}

/**
 * Logging and progress on one output. On a TTY, log lines print above a status line that is
 * redrawn in place (every write clears it first, then puts it back); elsewhere (CI, turbo,
 * files) plain JSON log lines, with the figures as a log line every `everyMs`.
 */
export function createConsole(
  level: Level | 'silent',
  everyMs: number,
  out: NodeJS.WriteStream = process.stdout,
): Console {
  if (!out.isTTY) {
    const log = pino({ name: 'traffic', level }, out);
    let lastLogged = 0;
    return {
      log,
      progress(snapshot, phase) {
        const now = Date.now();
        if (phase === 'waiting' || phase === 'stopped' || now - lastLogged < everyMs) return;
        lastLogged = now;
        const { byKind: _k, byStatus, ...figures } = snapshot;
        log.info({ phase, ...figures, byStatus }, formatSnapshot(snapshot));
      },
      close() {},
    };
  }
  let status = '';
  const screen = new Writable({
    write(chunk, _enc, done) {
      out.write(CLEAR_LINE + String(chunk) + status, () => done());
    },
  });
  const log = pino(
    { name: 'traffic', level },
    pretty({ destination: screen, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
  return {
    log,
    progress(snapshot, phase) {
      if (phase === 'waiting' || phase === 'stopped') return;
      status = `traffic ${phase.padEnd(6)} ${formatSnapshot(snapshot)}`.slice(0, (out.columns || 120) - 1);
      out.write(CLEAR_LINE + status);
    },
    close() {
      // The last log line (the summary) put the status back below itself: take it away.
      if (status) out.write(CLEAR_LINE);
      status = '';
    },
  };
}

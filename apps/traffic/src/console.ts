import { Writable } from 'node:stream';
import type { Config } from '@dd-challenge/config';
import { createLogger, type Logger } from '@dd-challenge/config/log';
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
 * Logging and progress on one output. On a TTY with readable logs, log lines print above a
 * status line that is redrawn in place (every write clears it first, then puts it back);
 * elsewhere (turbo, CI, files, LOG_FORMAT=json) log lines only, with the figures as a log line
 * every `everyMs`.
 */
export function createConsole(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  everyMs: number,
  out: NodeJS.WriteStream = process.stdout,
): Console {
  if (!out.isTTY || config.logFormat === 'json') {
    const log = createLogger(config, 'traffic', out);
    let lastLogged = 0;
    return {
      log,
      progress(snapshot, phase) {
        const now = Date.now();
        if (phase === 'waiting' || phase === 'stopped' || now - lastLogged < everyMs) return;
        lastLogged = now;
        const { byKind: _k, byStatus, ...figures } = snapshot;
        log.info({ phase, ...figures, byStatus }, `${phase}: ${formatSnapshot(snapshot)}`);
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
  const log = createLogger(config, 'traffic', screen);
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

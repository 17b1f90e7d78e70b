import { loadConfigOrExit } from '@dd-challenge/config';
import { createLogger } from '@dd-challenge/config/log';
import { type Emitter, startEmitter } from './emitter.ts';

/** Exit within this long of a signal even if the socket will not close. */
const SHUTDOWN_DEADLINE_MS = 1500;

const config = loadConfigOrExit();
const log = createLogger(config, 'metric-emitter');
let emitter: Emitter | undefined;

let shuttingDown = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (shuttingDown) return;
  shuttingDown = true;
  log.debug({ signal }, `${signal}: flushing the last point`);
  setTimeout(() => {
    log.warn('socket did not close in time; exiting anyway');
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS).unref();
  (emitter?.stop() ?? Promise.resolve()).then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'error while stopping');
      process.exit(0);
    },
  );
};
// Before the first point: it can leave the process synchronously, and a signal that arrives
// right after it must find the handlers in place.
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

emitter = startEmitter({ config, log });

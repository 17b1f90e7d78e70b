import pino, { type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** pino: pretty lines on a terminal, JSON lines otherwise (for log collectors and tests). */
export function createLogger(
  level: Level | 'silent',
  stream: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = { name: 'metric-emitter', level };
  if ((stream as NodeJS.WriteStream).isTTY) {
    // Synchronous pretty printing in-process: no worker thread to outlive a quick exit.
    return pino(options, pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(options, stream);
}

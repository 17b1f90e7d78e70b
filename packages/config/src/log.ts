import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export type { Logger } from 'pino';

/** What pino-pretty hands a messageFormat function: the record, with pino's `err` serializer applied. */
type Failure = string | { readonly message?: unknown } | undefined;
type LogRecord = { readonly [key: string]: unknown; readonly err?: Failure; readonly error?: Failure };

const failureText = (f: Failure) => (typeof f === 'string' ? f : f?.message);

/**
 * The record's message, and its error's (`err`, pino's usual key, or `error`) after it when the
 * message does not already say it.
 */
export function lineMessage(record: LogRecord, messageKey: string): string {
  const message = String(record[messageKey] ?? '');
  const error = failureText(record.err) ?? failureText(record.error);
  if (typeof error !== 'string' || error === '' || message.includes(error)) return message;
  return message ? `${message}: ${error}` : error;
}

/**
 * The one way every app makes its logger, from LOG_LEVEL and LOG_FORMAT.
 *
 * `pretty` (the default) writes one line a record, `[12:00:01.234] INFO (traced-api): message`,
 * whatever the output is: under `pnpm dev` turbo pipes every app, so a TTY check would print
 * JSON exactly where a person reads. The record's fields stay out of the line (the message
 * says what matters; an error's message is appended), so a line never wraps into a dump.
 * Written synchronously, in-process: no worker thread to outlive a quick exit.
 *
 * `json` writes pino's JSON lines with every field, for log collectors and tools.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  name: string,
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = { name, level: config.logLevel };
  if (config.logFormat === 'json') return pino(options, destination);
  return pino(
    options,
    pretty({
      destination,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      hideObject: true,
      messageFormat: (record, messageKey) => lineMessage(record as LogRecord, messageKey),
    }),
  );
}

import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, lineMessage } from './log.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes one readable line a record by default, with no fields and no JSON', () => {
    const out = capture();
    const log = createLogger({ logLevel: 'info', logFormat: 'pretty' }, 'traced-api', out.stream);
    log.info({ req: { url: '/api/notes' }, nested: { a: 1 } }, 'listening on http://127.0.0.1:5050');
    log.debug('not at info');
    log.error({ err: new Error('connect ECONNREFUSED 127.0.0.1:5432') }, 'could not start');
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    // Strip colours in case the test runs on a terminal.
    const plain = lines.map(stripVTControlCharacters);
    expect(plain[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(traced-api\): listening on http:\/\/127\.0\.0\.1:5050$/,
    );
    expect(plain[1]).toMatch(
      / ERROR \(traced-api\): could not start: connect ECONNREFUSED 127\.0\.0\.1:5432$/,
    );
    for (const line of plain) expect(line).not.toMatch(/[{}]/);
  });

  it('writes pino JSON with every field when LOG_FORMAT=json', () => {
    const out = capture();
    const log = createLogger({ logLevel: 'debug', logFormat: 'json' }, 'traffic', out.stream);
    log.debug({ rps: 5 }, 'sending');
    const [line] = out.lines();
    expect(JSON.parse(line as string)).toMatchObject({ level: 20, name: 'traffic', rps: 5, msg: 'sending' });
  });
});

describe('lineMessage', () => {
  it('appends the error message unless the message already holds it', () => {
    expect(lineMessage({ msg: 'stop failed', err: { message: 'EPIPE' } }, 'msg')).toBe('stop failed: EPIPE');
    expect(lineMessage({ msg: 'failed: EPIPE', err: { message: 'EPIPE' } }, 'msg')).toBe('failed: EPIPE');
    expect(lineMessage({ err: { message: 'EPIPE' } }, 'msg')).toBe('EPIPE');
    expect(lineMessage({ msg: 'plain' }, 'msg')).toBe('plain');
    expect(lineMessage({ msg: 'check failed', err: 'cannot connect' }, 'msg')).toBe(
      'check failed: cannot connect',
    );
    expect(lineMessage({ msg: 'delivery failed', error: 'HTTP 500' }, 'msg')).toBe(
      'delivery failed: HTTP 500',
    );
  });
});

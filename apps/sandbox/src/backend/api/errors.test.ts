import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badRequest, errorHandler, HttpError, notFoundHandler } from './errors.ts';

describe('errorHandler', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level: 'error' }, sink) });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.get('/http-error', async () => {
    throw new HttpError(409, ['first problem', 'second problem']);
  });
  app.get('/bad', async () => {
    throw badRequest("'start' must be before 'end'");
  });
  app.get('/status-error', async () => {
    throw Object.assign(new Error('Payload Too Large'), { statusCode: 413 });
  });
  app.get('/crash/:id', async () => {
    throw new Error('SQLITE_IOERR: disk I/O error at /secret/path/sandbox.db');
  });

  beforeAll(() => app.ready());
  afterAll(() => app.close());

  it("answers an HttpError's own list and status", async () => {
    const res = await app.inject('/http-error');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ errors: ['first problem', 'second problem'] });
    const bad = await app.inject('/bad');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ errors: ["'start' must be before 'end'"] });
  });

  it("answers another error's 4xx status with its message, and logs nothing", async () => {
    const res = await app.inject('/status-error');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ errors: ['Payload Too Large'] });
    expect(lines).toEqual([]);
  });

  it('answers a 500 that tells nothing of its cause, and logs the cause with the request', async () => {
    const res = await app.inject('/crash/42?q=1');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ errors: ['Internal Server Error'] });
    expect(res.body).not.toContain('SQLITE');
    expect(lines).toHaveLength(1);
    const line = lines[0] as {
      method: string;
      url: string;
      route: string;
      err: { message: string };
      reqId: string;
    };
    expect(line).toMatchObject({
      method: 'GET',
      url: '/crash/42?q=1',
      route: '/crash/:id',
      msg: 'request failed',
    });
    expect(line.err.message).toContain('SQLITE_IOERR');
    expect(line.reqId).toBeTruthy();
  });

  it('answers an unknown path with Datadog 404, query string left out', async () => {
    const res = await app.inject('/nowhere?key=value');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ errors: ['Not found: GET /nowhere'] });
  });
});

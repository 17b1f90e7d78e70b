import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.ts';
import { openStore, type Store } from '../db/index.ts';
import { Delivery, type WebhookPayload } from './delivery.ts';

const log = pino({ level: 'silent' });
const now = () => Date.UTC(2026, 10, 24, 20, 0, 0);

describe('Delivery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'delivery-'));
  let store: Store;
  let smtp: SmtpSink;
  let webhook: Server;
  let webhookUrl = '';
  const posted: WebhookPayload[] = [];
  let failNext = false;

  beforeAll(async () => {
    store = openStore(dataDir);
    smtp = await startSmtpSink();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (failNext) {
          failNext = false;
          res.writeHead(500).end();
          return;
        }
        posted.push(JSON.parse(body) as WebhookPayload);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const address = webhook.address();
    webhookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  });
  afterAll(async () => {
    await smtp.close();
    await new Promise((resolve) => webhook.close(resolve));
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const input = {
    source: 'monitor',
    to: ['you@example.com', 'webhook-ops'],
    title: '[Triggered on {host:web-1}] my_metric is high',
    body: 'ALERT 812 on 10.0.0.7 @you@example.com @webhook-ops',
    monitorId: 1000001,
    group: 'host:web-1',
    transition: 'Triggered',
  };

  it('writes the outbox, POSTs the webhook and emails the address handles over SMTP', async () => {
    const delivery = new Delivery({ outbox: store.outbox, now, log, webhookUrl, smtpUrl: smtp.url });
    const entry = delivery.send(input);
    await delivery.close();
    expect(posted.at(-1)).toMatchObject({
      id: entry.id,
      title: input.title,
      body: input.body,
      to: input.to,
      monitor_id: 1000001,
      group: 'host:web-1',
      transition: 'Triggered',
      date: '2026-11-24T20:00:00.000Z',
    });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['you@example.com']);
    expect(smtp.mails[0]?.data).toContain(`Subject: ${input.title}`);
    expect(smtp.mails[0]?.data).toContain('ALERT 812 on 10.0.0.7');
    const stored = store.outbox.get(entry.id);
    expect(stored?.deliveries.map((d) => [d.channel, d.ok]).sort()).toEqual([
      ['email', true],
      ['webhook', true],
    ]);
    const lines = readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ id: entry.id, title: input.title });
  });

  it('keeps a muted notification in the outbox and delivers nothing', async () => {
    const delivery = new Delivery({ outbox: store.outbox, now, log, webhookUrl, smtpUrl: smtp.url });
    const before = { posted: posted.length, mails: smtp.mails.length };
    const entry = delivery.send({ ...input, detail: { muted: true, downtime_id: 'dt-1' } }, true);
    await delivery.close();
    expect({ posted: posted.length, mails: smtp.mails.length }).toEqual(before);
    expect(store.outbox.get(entry.id)).toMatchObject({
      detail: { muted: true, downtime_id: 'dt-1' },
      deliveries: [],
    });
  });

  it('records a failed webhook with its reason and still emails', async () => {
    const delivery = new Delivery({ outbox: store.outbox, now, log, webhookUrl, smtpUrl: smtp.url });
    failNext = true;
    const entry = delivery.send(input);
    await delivery.close();
    const deliveries = store.outbox.get(entry.id)?.deliveries ?? [];
    expect(deliveries.find((d) => d.channel === 'webhook')).toMatchObject({
      ok: false,
      error: 'webhook answered 500',
    });
    expect(deliveries.find((d) => d.channel === 'email')).toMatchObject({ ok: true });
  });

  it('records an unreachable SMTP server as a failed email', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const delivery = new Delivery({ outbox: store.outbox, now, log, smtpUrl: closed.url });
    const entry = delivery.send(input);
    await delivery.close();
    expect(store.outbox.get(entry.id)?.deliveries).toMatchObject([{ channel: 'email', ok: false }]);
  });
});

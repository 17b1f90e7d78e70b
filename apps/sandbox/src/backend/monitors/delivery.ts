/**
 * Where notifications go: always the outbox (the store's table + `<dataDir>/outbox.jsonl`), then,
 * unless muted, a JSON POST to SANDBOX_WEBHOOK_URL and an email over SMTP_URL (nodemailer: the
 * maintained SMTP client for Node, STARTTLS/auth/pooling handled) to every handle that is an
 * address. Network deliveries run in the background; `drain()` waits for them (tests, close).
 */
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { DeliveryRecord, OutboxEntry, OutboxInput } from '../db/types.ts';

/** The part of the store's outbox delivery writes to. */
export interface OutboxWriter {
  add(input: OutboxInput, nowMs: number): OutboxEntry;
  addDelivery(id: number, delivery: DeliveryRecord): boolean;
}

export interface DeliveryOptions {
  readonly outbox: OutboxWriter;
  readonly now: () => number;
  readonly log: Logger;
  readonly webhookUrl?: string | undefined;
  readonly smtpUrl?: string | undefined;
  /** Sender address; default the SMTP user when it is an address, else sandbox@localhost. */
  readonly mailFrom?: string | undefined;
  /** Milliseconds before a webhook POST is abandoned. */
  readonly timeoutMs?: number;
}

/** The JSON body POSTed to the webhook (close to Datadog's default webhook payload). */
export interface WebhookPayload {
  readonly id: number;
  readonly date: string;
  readonly source: string;
  readonly title: string;
  readonly body: string;
  readonly to: readonly string[];
  readonly monitor_id: number | null;
  readonly group: string | null;
  readonly transition: string | null;
}

const isEmail = (handle: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(handle);

function senderFor(smtpUrl: string): string {
  try {
    const user = decodeURIComponent(new URL(smtpUrl).username);
    if (isEmail(user)) return `Datadog sandbox <${user}>`;
  } catch {
    // fall through to the default
  }
  return 'Datadog sandbox <sandbox@localhost>';
}

export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #pending = new Set<Promise<void>>();
  readonly #mailer: Transporter | undefined;
  readonly #from: string;

  constructor(options: DeliveryOptions) {
    this.#options = options;
    // nodemailer (~150 modules) is loaded only when SMTP_URL asks for mail.
    this.#mailer = options.smtpUrl
      ? (createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer')).createTransport(
          options.smtpUrl,
        )
      : undefined;
    this.#from = options.mailFrom ?? (options.smtpUrl ? senderFor(options.smtpUrl) : 'sandbox@localhost');
  }

  /**
   * Records a notification in the outbox and, unless `muted`, starts its webhook and email
   * deliveries. Returns the outbox entry at once (deliveries are appended to it as they finish).
   */
  send(input: OutboxInput, muted = false, atMs: number = this.#options.now()): OutboxEntry {
    const entry = this.#options.outbox.add(input, atMs);
    if (muted || entry.to.length === 0) return entry;
    if (this.#options.webhookUrl) this.#track(this.#postWebhook(entry, this.#options.webhookUrl));
    const emails = entry.to.filter(isEmail);
    if (this.#mailer && emails.length > 0) this.#track(this.#sendMail(entry, emails, this.#mailer));
    return entry;
  }

  /** Waits for every delivery started so far. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Waits for deliveries, then closes the SMTP connection. */
  async close(): Promise<void> {
    await this.drain();
    this.#mailer?.close();
  }

  #track(work: Promise<void>): void {
    const p = work.finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  #record(entry: OutboxEntry, channel: string, error?: unknown): void {
    const record: DeliveryRecord = { channel, ok: error === undefined, at: this.#options.now() };
    if (error !== undefined) record.error = error instanceof Error ? error.message : String(error);
    this.#options.outbox.addDelivery(entry.id, record);
    if (error !== undefined)
      this.#options.log.warn({ channel, notification: entry.id, error: record.error }, 'delivery failed');
  }

  async #postWebhook(entry: OutboxEntry, url: string): Promise<void> {
    const payload: WebhookPayload = {
      id: entry.id,
      date: new Date(entry.at).toISOString(),
      source: entry.source,
      title: entry.title,
      body: entry.body,
      to: entry.to,
      monitor_id: entry.monitorId ?? null,
      group: entry.group ?? null,
      transition: entry.transition ?? null,
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      this.#record(entry, 'webhook');
    } catch (error) {
      this.#record(entry, 'webhook', error);
    }
  }

  async #sendMail(entry: OutboxEntry, to: string[], mailer: Transporter): Promise<void> {
    try {
      await mailer.sendMail({ from: this.#from, to, subject: entry.title, text: entry.body });
      this.#record(entry, 'email');
    } catch (error) {
      this.#record(entry, 'email', error);
    }
  }
}

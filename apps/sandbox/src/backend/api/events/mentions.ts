import type { SandboxContext } from '../../../context.ts';
import type { EventRecord, OutboxEntry } from '../../db/types.ts';

/**
 * `@handle` mentions in an event's text notify those handles, as on Datadog (the challenge's
 * "send the snapshot to yourself with @"). An '@' inside a word (an e-mail address written
 * plainly) is not a mention; `@you@example.com` is.
 */
export function mentionsOf(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(
    /(?<![\w@.])@([A-Za-z0-9_+-][A-Za-z0-9_.+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)/g,
  )) {
    found.add((m[1] as string).replace(/[.]+$/, ''));
  }
  return [...found];
}

/** Puts one outbox notification per mentioned handle of an event; returns them. */
export function notifyMentions(ctx: SandboxContext, event: EventRecord): OutboxEntry[] {
  const handles = mentionsOf(`${event.title}\n${event.text}`);
  if (handles.length === 0) return [];
  const snapshots = [...event.text.matchAll(/https?:\/\/\S+\/snapshot\/view\/\S+?\.png/g)].map((m) => m[0]);
  return [
    ctx.store.outbox.add(
      {
        source: 'event',
        to: handles,
        title: event.title,
        body: event.text,
        eventId: event.id,
        detail: { tags: event.tags, ...(snapshots.length ? { snapshot_urls: snapshots } : {}) },
      },
      ctx.clock.now(),
    ),
  ];
}

import type { RouteKind } from './mix.ts';

/** One HTTP request to send, described before it is sent. */
export interface PlannedRequest {
  readonly kind: RouteKind;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  /** The note id a by-id request is about. */
  readonly id?: string | number;
}

/** Ids no note will have: far beyond any id a demo database reaches. */
const UNKNOWN_ID_BASE = 900_000_000;

const WORDS = [
  'deploy',
  'latency',
  'postgres',
  'checklist',
  'incident',
  'review',
  'dashboard',
  'alert',
  'capacity',
  'rollback',
  'standup',
  'migration',
  'quarterly',
  'budget',
  'oncall',
  'retro',
];

/**
 * Note ids the run knows exist: from its own creates and from list pages, bounded. Ids it has
 * deleted are remembered (bounded too), so a list page fetched before a delete landed cannot
 * bring them back.
 */
export class IdPool {
  readonly #ids: Array<string | number> = [];
  readonly #deleted = new Set<string | number>();
  /** Ids with a GET in flight: not deleted until it is back, so our own requests never race. */
  readonly #reading = new Map<string | number, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#ids.length;
  }

  add(id: unknown): void {
    if ((typeof id !== 'string' && typeof id !== 'number') || this.#ids.includes(id)) return;
    if (this.#deleted.has(id)) return;
    this.#ids.push(id);
    if (this.#ids.length > this.#max) this.#ids.shift();
  }

  /** A random known id to read (call `done` when the GET is back), or undefined when none is known. */
  read(random: () => number): string | number | undefined {
    if (this.#ids.length === 0) return undefined;
    const id = this.#ids[Math.floor(random() * this.#ids.length)]!;
    this.#reading.set(id, (this.#reading.get(id) ?? 0) + 1);
    return id;
  }

  /** The GET of `id` is back. */
  done(id: string | number | undefined): void {
    if (id === undefined) return;
    const n = (this.#reading.get(id) ?? 0) - 1;
    if (n > 0) this.#reading.set(id, n);
    else this.#reading.delete(id);
  }

  /** A random known id nobody is reading, forgotten from now on; undefined when there is none. */
  take(random: () => number): string | number | undefined {
    const free = this.#ids.filter((id) => !this.#reading.has(id));
    if (free.length === 0) return undefined;
    const id = free[Math.floor(random() * free.length)]!;
    this.#ids.splice(this.#ids.indexOf(id), 1);
    this.#deleted.add(id);
    if (this.#deleted.size > this.#max * 5) this.#deleted.delete(this.#deleted.values().next().value!);
    return id;
  }
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/**
 * The request for a kind. GET/DELETE by id need a known id: with none known yet (the first
 * seconds of a run on an empty database) they become a list request, which learns some.
 */
export function planRequest(kind: RouteKind, ids: IdPool, random: () => number): PlannedRequest {
  switch (kind) {
    case 'home':
      return { kind, method: 'GET', path: '/' };
    case 'apm':
      return { kind, method: 'GET', path: '/api/apm' };
    case 'trace':
      return { kind, method: 'GET', path: '/api/trace' };
    case 'listNotes': {
      const limit = [10, 20, 50][Math.floor(random() * 3)];
      const offset = random() < 0.7 ? 0 : Math.floor(random() * 5) * limit!;
      return { kind, method: 'GET', path: `/api/notes?limit=${limit}&offset=${offset}` };
    }
    case 'getNote': {
      const id = ids.read(random);
      if (id === undefined) return planRequest('listNotes', ids, random);
      return { kind, method: 'GET', path: `/api/notes/${encodeURIComponent(id)}`, id };
    }
    case 'deleteNote': {
      const id = ids.take(random);
      if (id === undefined) return planRequest('listNotes', ids, random);
      return { kind, method: 'DELETE', path: `/api/notes/${encodeURIComponent(id)}`, id };
    }
    case 'createNote':
      return {
        kind,
        method: 'POST',
        path: '/api/notes',
        body: JSON.stringify({ title: sentence(random, 3), body: sentence(random, 12) }),
      };
    case 'createInvalid':
      // No title: the API must answer 400 naming the field.
      return {
        kind,
        method: 'POST',
        path: '/api/notes',
        body: JSON.stringify({ body: sentence(random, 4) }),
      };
    case 'createMalformed':
      return { kind, method: 'POST', path: '/api/notes', body: '{"title": "unterminated' };
    case 'listBadPaging':
      return { kind, method: 'GET', path: random() < 0.5 ? '/api/notes?limit=-1' : '/api/notes?offset=abc' };
    case 'getUnknown':
      return { kind, method: 'GET', path: `/api/notes/${UNKNOWN_ID_BASE + Math.floor(random() * 1e6)}` };
    case 'deleteUnknown':
      return { kind, method: 'DELETE', path: `/api/notes/${UNKNOWN_ID_BASE + Math.floor(random() * 1e6)}` };
    case 'unknownRoute':
      return { kind, method: 'GET', path: '/api/does-not-exist' };
  }
}

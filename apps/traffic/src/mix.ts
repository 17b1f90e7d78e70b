import type { TrafficMode } from './settings.ts';

/** A kind of request traffic sends; the README lists them with their weights. */
export type RouteKind =
  | 'home'
  | 'apm'
  | 'trace'
  | 'listNotes'
  | 'getNote'
  | 'createNote'
  | 'deleteNote'
  | 'createInvalid'
  | 'createMalformed'
  | 'listBadPaging'
  | 'getUnknown'
  | 'deleteUnknown'
  | 'unknownRoute';

export type Weights = Readonly<Partial<Record<RouteKind, number>>>;

/**
 * A realistic day on the notes app: people mostly read (pages and lists), sometimes open one
 * note, write less often and delete least; the three challenge routes get a steady share.
 * Creates outnumber deletes a little, so the table grows slowly, as real tables do.
 */
export const STEADY_WEIGHTS: Weights = {
  home: 10,
  apm: 10,
  trace: 10,
  listNotes: 25,
  getNote: 20,
  createNote: 15,
  deleteNote: 10,
};

/** A burst is a write storm (an import, a batch job): rows_inserted/deleted/fetched spike. */
export const BURST_WEIGHTS: Weights = {
  home: 5,
  apm: 5,
  trace: 5,
  listNotes: 20,
  getNote: 10,
  createNote: 35,
  deleteNote: 20,
};

/** Errors mode: the steady mix at 60%, and 40% bad inputs and unknown ids/routes (4xx). */
export const ERRORS_WEIGHTS: Weights = {
  home: 6,
  apm: 6,
  trace: 6,
  listNotes: 15,
  getNote: 12,
  createNote: 9,
  deleteNote: 6,
  createInvalid: 8,
  createMalformed: 6,
  listBadPaging: 6,
  getUnknown: 10,
  deleteUnknown: 5,
  unknownRoute: 5,
};

/** The kinds that are bad on purpose, with the status traced-api should answer. */
export const EXPECTED_ERROR_STATUS: Readonly<Partial<Record<RouteKind, number>>> = {
  createInvalid: 400,
  createMalformed: 400,
  listBadPaging: 400,
  getUnknown: 404,
  deleteUnknown: 404,
  unknownRoute: 404,
};

/** The weights in force for a mode; `inBurst` only matters in burst mode. */
export function weightsFor(mode: TrafficMode, inBurst = false): Weights {
  if (mode === 'errors') return ERRORS_WEIGHTS;
  if (mode === 'burst' && inBurst) return BURST_WEIGHTS;
  return STEADY_WEIGHTS;
}

/** Picks a kind with probability weight / total, from one draw of `random`. */
export function pickKind(weights: Weights, random: () => number): RouteKind {
  const entries = Object.entries(weights) as Array<[RouteKind, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [kind, w] of entries) {
    if (x < w) return kind;
    x -= w;
  }
  return entries.at(-1)![0];
}

/** The share of each kind in a set of weights, 0..1. */
export function shares(weights: Weights): Record<string, number> {
  const total = Object.values(weights).reduce((sum, w) => sum + (w ?? 0), 0);
  return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, (w ?? 0) / total]));
}

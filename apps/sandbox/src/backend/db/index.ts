export type { Change } from './changes.ts';
export { openStore, type Store } from './store.ts';
export type * from './types.ts';

/** A change to a stored resource, for parts that keep caches (the monitor engine, the console). */
export interface Change<Id> {
  kind: 'created' | 'updated' | 'deleted';
  id: Id;
}

/** A minimal synchronous listener list; a failing listener never fails the write. */
export class ChangeFeed<Id> {
  readonly #listeners = new Set<(change: Change<Id>) => void>();

  /** Calls listener after each committed change; returns the unsubscribe function. */
  subscribe(listener: (change: Change<Id>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(change: Change<Id>): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A listener's bug must not undo or fail a committed write.
      }
    }
  }
}

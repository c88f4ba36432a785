/**
 * A typed event emitter: listeners by event type, each called in the order it was added. A
 * listener that throws does not stop the others; its error is reported asynchronously.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(event: never) => void>>();

  /**
   * Adds `listener` for `type`.
   * @returns a function that removes it.
   */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as (event: never) => void);
    return () => void set.delete(listener as (event: never) => void);
  }

  /** Calls every listener of `type` with `event`. */
  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        (listener as (event: Events[K]) => void)(event);
      } catch (e) {
        // A listener's bug is the app's to see, not a reason to skip the other listeners.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Whether any listener is registered for `type`. */
  has(type: keyof Events): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }
}

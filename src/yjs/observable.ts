/**
 * Named events with the shape of lib0's `ObservableV2`, which y-indexeddb's provider extends:
 * `on`, `once`, `off`, `emit(name, args)`, `destroy`. Written out rather than imported so that
 * `larder/yjs` needs no dependency besides `yjs`.
 */
export class Observable<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  #observers = new Map<keyof Events, Set<Events[keyof Events]>>();

  /**
   * Calls `f` on every event `name`.
   * @returns `f`, as lib0 does.
   */
  on<K extends keyof Events>(name: K, f: Events[K]): Events[K] {
    let set = this.#observers.get(name);
    if (set === undefined) {
      set = new Set();
      this.#observers.set(name, set);
    }
    set.add(f);
    return f;
  }

  /** Calls `f` on the next event `name` only. */
  once<K extends keyof Events>(name: K, f: Events[K]): void {
    const once = ((...args: Parameters<Events[K]>) => {
      this.off(name, once);
      (f as (...a: Parameters<Events[K]>) => void)(...args);
    }) as Events[K];
    this.on(name, once);
  }

  /** Stops calling `f` on events `name`. */
  off<K extends keyof Events>(name: K, f: Events[K]): void {
    const set = this.#observers.get(name);
    set?.delete(f);
    if (set?.size === 0) this.#observers.delete(name);
  }

  /**
   * Calls every listener of `name` with `args`, in the order they were added. A listener that
   * throws does not stop the others; its error is reported asynchronously.
   */
  emit<K extends keyof Events>(name: K, args: Parameters<Events[K]>): void {
    for (const f of [...(this.#observers.get(name) ?? [])]) {
      try {
        (f as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Removes every listener. */
  destroy(): void {
    this.#observers = new Map();
  }
}

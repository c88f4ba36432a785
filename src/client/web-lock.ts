/** A Web Lock this context holds, until it releases it or another context steals it. */
export interface HeldLock {
  /** Lets go of the lock; idempotent. */
  release(): void;
  /** True once the lock was stolen (or released). */
  readonly gone: boolean;
  /** Calls `fn` once when the lock is stolen. */
  onStolen(fn: () => void): void;
}

/** The Web Locks API, where this context has it. */
export function webLocks(): LockManager | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.locks;
}

/**
 * Asks for the exclusive Web Lock `name` and holds it until released.
 *
 * @param locks - the lock manager.
 * @param name - the lock's name.
 * @param options - `ifAvailable` (resolve `undefined` at once when held elsewhere), `steal`
 * (take it from its holder, whose request then rejects), or `signal` (stop waiting).
 * @returns the held lock, or `undefined` when `ifAvailable` and it was held.
 * @throws the platform's AbortError when `signal` aborts before the lock was granted.
 */
export function requestLock(
  locks: LockManager,
  name: string,
  options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
): Promise<HeldLock | undefined> {
  return new Promise((resolve, reject) => {
    let release = () => undefined as void;
    const released = new Promise<void>((r) => (release = r));
    let gone = false;
    let granted = false;
    const stolen: Array<() => void> = [];
    const held: HeldLock = {
      release() {
        gone = true;
        release();
      },
      get gone() {
        return gone;
      },
      onStolen(fn) {
        stolen.push(fn);
      },
    };
    locks
      .request(name, { mode: 'exclusive', ...options }, (lock) => {
        if (lock === null) {
          resolve(undefined);
          return undefined;
        }
        granted = true;
        resolve(held);
        return released;
      })
      .catch((e: unknown) => {
        // Before the grant: the caller's signal. After it: another context stole the lock.
        if (!granted) {
          reject(e);
          return;
        }
        if (gone) return;
        gone = true;
        for (const fn of stolen) fn();
      });
  });
}

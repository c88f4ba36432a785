/** One readwrite transaction, as {@link recordTransactions} saw it. */
export interface SpiedTransaction {
  stores: string[];
  durability: string;
  /** Wall-clock milliseconds (timeOrigin + now), comparable across a page and its workers. */
  started: number;
  completed: number | undefined;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Records every readwrite transaction started in this realm from now on, by wrapping
 * `IDBDatabase.prototype.transaction`: what a test needs to see whether a commit was strict,
 * which nothing else exposes.
 *
 * @returns the live list of transactions.
 */
export function recordTransactions(): SpiedTransaction[] {
  const log: SpiedTransaction[] = [];
  const original = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ): IDBTransaction {
    const tx = original.apply(this, args);
    if (tx.mode === 'readwrite') {
      const entry: SpiedTransaction = {
        stores: Array.from(tx.objectStoreNames),
        durability: tx.durability,
        started: now(),
        completed: undefined,
      };
      log.push(entry);
      tx.addEventListener('complete', () => (entry.completed = now()));
    }
    return tx;
  };
  return log;
}

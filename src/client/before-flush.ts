/**
 * What must reach a store before any store of the page flushes or closes: writes that an
 * integration holds back in the page to merge them (`larder-kit/yjs` merges the updates typed
 * within a few milliseconds into one row). Registered by the integration, run by
 * {@link StoreClient.flush} and {@link StoreClient.close}, so that `store.flush()` covers what
 * the integration holds, as it covers the store's own buffered writes.
 *
 * For the whole page rather than per store: a sender only sends early, which is harmless, and a
 * registry keyed by store would miss a store that reached the integration wrapped.
 */
const senders = new Set<() => void>();

/**
 * Registers `send`, to be called before every flush and close of a store in this page.
 * @returns a function that unregisters it.
 */
export function beforeFlush(send: () => void): () => void {
  senders.add(send);
  return () => senders.delete(send);
}

/** Calls every registered sender (see {@link beforeFlush}). */
export function runBeforeFlush(): void {
  for (const send of senders) send();
}

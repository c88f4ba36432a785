// What the main-thread budget measures (scripts/check-size.mjs): an app that opens a store with
// the default worker engine, reads one document's changes, and can delete a store (deleteStore
// loads its code on demand: statically it added 5.9 kB gzipped).
import { deleteStore, openStore } from '../../src/index.ts';

const store = await openStore('app');
console.log(await store.persister('doc').getChanges());
/** A reset button's handler. */
export const reset = () => deleteStore('app');

// What the main-thread budget measures (scripts/check-size.mjs): an app that opens a store with
// the default worker engine and reads one document's changes.
import { openStore } from '../../src/index.ts';

const store = await openStore('app');
console.log(await store.persister('doc').getChanges());

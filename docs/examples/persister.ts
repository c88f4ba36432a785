import { openStore } from 'larder-kit';

const store = await openStore('persister-guide');
const doc = store.persister('doc-1');
const bytes = (...values: number[]) => new Uint8Array(values);

// Changes are keyed by (actor, seq): inserting a key again replaces its change.
await doc.insertChanges([
  ['a1', 1, bytes(1)],
  ['a1', 2, bytes(2)],
  ['b7', 1, bytes(3)],
]);
await doc.insertChanges([['a1', 2, bytes(2, 2)]]);
console.log(`changes: ${(await doc.getChanges()).length}`);

// A snapshot replaces the changes it includes.
await doc.setDocument(bytes(9, 9, 9));
await doc.removeChanges([
  ['a1', 1],
  ['a1', 2],
]);

// One sync state per peer; a peer id is any bytes.
const peer = new TextEncoder().encode('peer-42');
await doc.setSyncState(peer, bytes(7, 7));
const peers = (await doc.getPeerIds()).map((id) => new TextDecoder().decode(id));
console.log(`peers: ${peers.join(', ')}`);

// Reads see writes still in the write-behind buffer; sizes are exact byte totals.
console.log(`sizes: ${JSON.stringify(await doc.sizes())}`);

// Each document is its own namespace.
console.log(`changes of doc-2: ${(await store.persister('doc-2').getChanges()).length}`);

// flush() commits everything buffered, durably: after it, a browser crash loses nothing.
await store.flush();
await store.close();

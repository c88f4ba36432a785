import * as Y from 'yjs';
import { LarderPersistence as IndexeddbPersistence } from 'larder-kit/yjs';

// Exactly as with y-indexeddb: one provider per document name.
const ydoc = new Y.Doc();
const provider = new IndexeddbPersistence('shopping-list', ydoc);
await provider.whenSynced;

ydoc.getArray<string>('items').push(['apples', 'bread']);
ydoc.getMap('meta').set('owner', 'sam');

// larder's addition: resolves once every update is committed, durably.
await provider.whenStored();
await provider.destroy();

// A new document with the same name, as after a reload, loads what was stored.
const again = new Y.Doc();
const reloaded = new IndexeddbPersistence('shopping-list', again);
await reloaded.whenSynced;
console.log(`items: ${again.getArray<string>('items').toArray().join(', ')}`);
console.log(`owner: ${again.getMap('meta').get('owner')}`);
await reloaded.destroy();

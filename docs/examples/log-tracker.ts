import { isStoreError, openStore } from 'larder-kit';

type Op = { type: 'add'; text: string };

const store = await openStore('log-tracker-guide');
const tracker = await store.logTracker<Op>('chat');
const messages = store.table('messages');

// A peer id is a UUID; a timestamp a packed hybrid logical clock, (millis << 16n) | counter.
const peer = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const hlc = (millis: number, counter = 0) => (BigInt(millis) << 16n) | BigInt(counter);

// Log entries and the app's own records commit together, all or nothing.
const batch = store.batch();
tracker.trackOne(peer, 0n, hlc(1_700_000_000_000), undefined, { type: 'add', text: 'hi' }, batch);
tracker.trackOne(peer, 1n, hlc(1_700_000_000_000, 1), undefined, { type: 'add', text: 'there' }, batch);
batch.put('messages', 'count', 2);
await batch.commit();

// The cursor of a peer is the next entry index to expect from it.
console.log(`cursor: ${(await tracker.allCursors()).get(peer)}`);

// An entry index already recorded fails the whole batch, the app's records included.
const again = store.batch();
tracker.trackOne(peer, 1n, hlc(1_700_000_000_001), undefined, { type: 'add', text: 'dup' }, again);
again.put('messages', 'count', 3);
await again.commit().catch((e: unknown) => {
  if (isStoreError(e, 'conflict')) console.log('duplicate entry: conflict, batch rolled back');
});
console.log(`count: ${await messages.get('count')}`);

// Entries come back in order; an expunged one would come back as a marker with its hash.
for (const [index, entry] of await tracker.readEntries(peer, 0n, 10)) {
  if (entry.kind === 'entry') console.log(`#${index}: ${entry.op.text}`);
}
await store.close();

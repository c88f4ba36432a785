import { openStore } from 'larder-kit';

const store = await openStore('consensus-guide');
const consensus = store.consensus();
const text = (s: string) => new TextEncoder().encode(s);

// The first version of a key expects nothing to be there yet.
const first = await consensus.compareAndSet('shard-0', undefined, { seqno: 1n, data: text('v1') });
console.log(`first write: ${first}`);

// Two writers that both read seqno 1 race to append seqno 2: exactly one of them commits.
const results = await Promise.all([
  consensus.compareAndSet('shard-0', 1n, { seqno: 2n, data: text('v2 from a') }),
  consensus.compareAndSet('shard-0', 1n, { seqno: 2n, data: text('v2 from b') }),
]);
console.log(`committed: ${results.filter((r) => r === 'committed').length} of ${results.length}`);

// A writer that lost reads the head again before retrying.
const head = await consensus.head('shard-0');
console.log(`head: seqno ${head?.seqno}`);

// scan() reads a range of versions; truncate() drops the old ones, never the head.
const versions = await consensus.scan('shard-0', 0n, Number.MAX_SAFE_INTEGER);
console.log(`versions: ${versions.map((v) => v.seqno).join(', ')}`);
console.log(`truncated: ${await consensus.truncate('shard-0', 2n)}`);
console.log(`keys: ${(await consensus.listKeys()).join(', ')}`);
await store.close();

import { opIdLoc, openStore, type DhtArc } from 'larder-kit';

const store = await openStore('op-store-guide');
const ops = store.opStore('space-1');

// The default op format (kitsune2's test ops): UTF-8 JSON with the creation time in
// microseconds and the op's bytes, whose first 32 bytes are its id.
const op = (createdAt: number, ...data: number[]) =>
  new TextEncoder().encode(JSON.stringify({ created_at: createdAt, op_data: data }));

const ids = await ops.processIncomingOps([op(1_000, 1, 2, 3), op(2_000, 4, 5, 6), op(3_000, 7, 8, 9)]);
console.log(`stored ${ids.length} ops; the first at location ${opIdLoc(ids[0]!)}`);

// Queries take an arc of locations: [start, end] inclusive, wrapping when start > end.
const everywhere: DhtArc = [0, 2 ** 32 - 1];
const [inSlice, size] = await ops.retrieveOpHashesInTimeSlice(everywhere, 0, 2_500);
console.log(`created before 2,500 µs: ${inSlice.length} ops, ${size} bytes`);

// Gossip: which of these ids are new to us?
const unknown = await ops.filterOutExistingOps([ids[0]!, new Uint8Array(32).fill(42)]);
console.log(`new ids: ${unknown.length}`);

// Slice hashes, per arc and slice index.
await ops.storeSliceHash(everywhere, 0, new Uint8Array([0xab, 0xcd]));
console.log(`slice hashes: ${await ops.sliceHashCount(everywhere)}`);
await store.close();

import { isStoreError, openStore } from 'larder-kit';

const store = await openStore('log-state-guide');
const logState = store.logState();
await logState.init();
const checkpoint = (s: string) => new TextEncoder().encode(s);

// An unknown log can be read; it just has no checkpoint yet.
const reader = await logState.readOps('log-a');
await reader.getLatest().catch((e: unknown) => {
  if (isStoreError(e, 'not-found')) console.log('log-a: no checkpoint yet');
});

// A write op snapshots the checkpoint when it opens; `await using` closes it.
{
  await using writer = await logState.writeOps('log-a');
  await writer.set(checkpoint('size 10'));
}

// Two writers opened on the same checkpoint: the first set wins, the second gets 'conflict'.
const w1 = await logState.writeOps('log-a');
const w2 = await logState.writeOps('log-a');
await w1.set(checkpoint('size 20'));
await w2.set(checkpoint('size 15')).catch((e: unknown) => {
  if (isStoreError(e, 'conflict')) console.log('second writer: conflict, nothing written');
});
await Promise.all([w1.close(), w2.close()]);

console.log(`log-a: ${new TextDecoder().decode(await reader.getLatest())}`);
console.log(`logs: ${(await logState.logs()).join(', ')}`);
await store.close();

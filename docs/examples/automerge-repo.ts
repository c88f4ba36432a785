import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import { Repo, initializeBase64Wasm } from '@automerge/automerge-repo/slim';
import { LarderStorageAdapter } from 'larder-kit/automerge-repo';

// automerge-repo's slim entry with Automerge's WebAssembly inlined: runs in Vite's dev server
// and in a production build, with no wasm plugin.
await initializeBase64Wasm(automergeWasmBase64);

type TodoList = { items: string[] };

// In place of IndexedDBStorageAdapter: the Repo's documents go to the larder store 'todo-app'.
const storage = await LarderStorageAdapter.open('todo-app');
const repo = new Repo({ storage });

const handle = repo.create<TodoList>({ items: [] });
handle.change((d) => {
  d.items.push('buy milk');
});
handle.change((d) => {
  d.items.push('call the plumber');
});

// The Repo saves on its own schedule: flush() hands everything to the adapter, whose flush()
// commits it durably.
await repo.flush();
await storage.flush();
await repo.shutdown();
await storage.close();

// A new Repo on the same store, as after a reload, finds the document by its URL.
const storageAgain = await LarderStorageAdapter.open('todo-app');
const repoAgain = new Repo({ storage: storageAgain });
const loaded = await repoAgain.find<TodoList>(handle.url);
console.log(`after a reload: ${loaded.doc().items.join(', ')}`);
await repoAgain.shutdown();
await storageAgain.close();

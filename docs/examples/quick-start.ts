import * as A from '@automerge/automerge/slim';
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import { openStore } from 'larder-kit';

// Automerge's slim entry with its WebAssembly inlined: runs in Vite's dev server and in a
// production build, with no wasm plugin.
await A.initializeBase64Wasm(automergeWasmBase64);

type Note = { text?: string; visits?: number };

const store = await openStore('notes'); // the engine runs in a Worker
const persister = store.persister('my-doc');

// Rebuild the document from what is stored: the last snapshot, then the changes since.
const snapshot = await persister.getDocument();
let doc = snapshot ? A.load<Note>(snapshot) : A.init<Note>();
[doc] = A.applyChanges(doc, await persister.getChanges());

// Persist every local change as it is made.
doc = A.change(doc, (d) => {
  d.text = 'hello';
  d.visits = (d.visits ?? 0) + 1;
});
const change = A.getLastLocalChange(doc)!;
const { actor, seq } = A.decodeChange(change);
await persister.insertChanges([[actor, seq, change]]); // buffered, coalesced, committed soon
console.log(`${doc.text}, visit ${doc.visits}`); // reload the page: the visits go on counting

// Compact: a snapshot replaces exactly the changes it includes.
const included = A.getAllChanges(doc).map((c) => A.decodeChange(c));
await persister.setDocument(A.save(doc));
await persister.removeChanges(included.map((c) => [c.actor, c.seq] as const));
await store.flush(); // resolves once everything is committed with strict durability
console.log(`changes left besides the snapshot: ${(await persister.getChanges()).length}`);

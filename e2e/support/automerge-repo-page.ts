/**
 * Page-side helpers of the automerge-repo adapter suite, loaded as `window.amr` by
 * `openRepoPage`: Repos on LarderStorageAdapter, kept by id across `page.evaluate` calls.
 */
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import { initializeBase64Wasm, Repo, type AutomergeUrl } from '@automerge/automerge-repo/slim';
import { LarderStorageAdapter } from '../../src/automerge-repo/index.js';

/** The document every test edits: lines appended one change at a time. */
export interface Notes {
  lines: string[];
}

interface Session {
  adapter: LarderStorageAdapter;
  repo: Repo;
}

const ready = initializeBase64Wasm(automergeWasmBase64);
const sessions = new Map<string, Session>();

function session(id: string): Session {
  const s = sessions.get(id);
  if (s === undefined) throw new Error(`no Repo "${id}" in this page`);
  return s;
}

/** Opens the store `name` with an adapter and a Repo (no network) on it, kept as `id`. */
export async function openRepo(id: string, name: string, engine: 'worker' | 'inline'): Promise<void> {
  await ready;
  const adapter = await LarderStorageAdapter.open(name, { engine });
  sessions.set(id, { adapter, repo: new Repo({ storage: adapter, network: [] }) });
}

/** The adapter of the Repo `id`. */
export function adapterOf(id: string): LarderStorageAdapter {
  return session(id).adapter;
}

/** Creates a document with `count` lines `${label} ${i}`, one change each; resolves its URL. */
export function createNotes(id: string, count: number, label: string): AutomergeUrl {
  const handle = session(id).repo.create<Notes>({ lines: [] });
  for (let i = 0; i < count; i++) handle.change((doc) => void doc.lines.push(`${label} ${i}`));
  return handle.url;
}

/** Appends `count` lines `${label} ${i}` to the document at `url`, one change each. */
export async function appendNotes(
  id: string,
  url: AutomergeUrl,
  count: number,
  label: string,
): Promise<void> {
  const handle = await session(id).repo.find<Notes>(url);
  for (let i = 0; i < count; i++) handle.change((doc) => void doc.lines.push(`${label} ${i}`));
}

/** The lines of the document at `url`, as the Repo `id` finds it. */
export async function readNotes(id: string, url: AutomergeUrl): Promise<string[]> {
  const handle = await session(id).repo.find<Notes>(url);
  return [...handle.doc().lines];
}

/** Has the Repo save every document, then commits the store durably. */
export async function save(id: string): Promise<void> {
  const { adapter, repo } = session(id);
  await repo.flush();
  // Made in the background by the Repo: wait for it, so nothing is still being saved.
  await repo.storageId();
  await adapter.flush();
}

/** Saves, shuts the Repo down and closes its store. */
export async function closeRepo(id: string): Promise<void> {
  const { adapter, repo } = session(id);
  await save(id);
  await repo.shutdown();
  await adapter.close();
  sessions.delete(id);
}

/** `n` bytes derived from `seed`. */
export function chunk(seed: number, n = 64): Uint8Array {
  return new Uint8Array(n).map((_, i) => (seed * 31 + i * 7) & 0xff);
}

/** Tells whether `data` is `chunk(seed, n)`. */
export function isChunk(data: Uint8Array, seed: number, n = 64): boolean {
  const want = chunk(seed, n);
  return data.byteLength === n && data.every((b, i) => b === want[i]);
}

let polling: { stop: boolean; lengths: number[]; done: Promise<void> } | undefined;

/** Starts reading `loadRange(prefix)` of the Repo `id` in a loop, recording each length. */
export function startPolling(id: string, prefix: string[]): void {
  const adapter = session(id).adapter;
  const state = { stop: false, lengths: [] as number[], done: Promise.resolve() };
  state.done = (async () => {
    while (!state.stop) state.lengths.push((await adapter.loadRange(prefix)).length);
  })();
  polling = state;
}

/** Stops the loop of {@link startPolling}; resolves every length it read. */
export async function stopPolling(): Promise<number[]> {
  const state = polling;
  if (state === undefined) return [];
  state.stop = true;
  await state.done;
  polling = undefined;
  return state.lengths;
}

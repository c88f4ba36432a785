// An automerge-repo app on larder: a Repo that stores its documents with LarderStorageAdapter
// (larder's worker engine) and syncs them through automerge-repo's own WebSocket sync server
// (examples/sync-server/server.mjs). The list's address is in the page's hash: open it on another
// device to edit the same list.
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import {
  Repo,
  initializeBase64Wasm,
  isValidAutomergeUrl,
  type DocHandle,
} from '@automerge/automerge-repo/slim';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { openStore, type Store } from '../../src/index.js';
import { LarderStorageAdapter } from '../../src/automerge-repo/index.js';
import { addItem, countOne, emptyList, removeItem, type SharedList } from './shared-list.js';

const STORE_NAME = 'automerge-repo-example';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

/** The sync server's address: `?server=ws://…` or port 3030 on the host that served the page. */
function serverUrl(): string {
  return new URLSearchParams(location.search).get('server') ?? `ws://${location.hostname}:3030`;
}

function showConnection(online: boolean): void {
  const chip = $('connection');
  chip.dataset['state'] = online ? 'online' : 'offline';
  chip.textContent = online ? 'Connected to the sync server' : 'Offline: changes stay on this device';
}

function render(doc: SharedList, handle: DocHandle<SharedList>): void {
  const list = $<HTMLUListElement>('items');
  list.replaceChildren(
    ...doc.items.map((item) => {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = item.text;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${item.text}`);
      remove.addEventListener('click', () => handle.change((d) => removeItem(d, item.id)));
      li.append(text, remove);
      return li;
    }),
  );
  $<HTMLOutputElement>('count').value = String(doc.count.value);
}

/**
 * Shows "Saved on this device" once a change has reached IndexedDB: the Repo saves on its own
 * schedule, so after a quiet moment `repo.flush()` hands everything to the adapter and
 * `store.flush()` commits it durably.
 */
function trackSaving(repo: Repo, store: Store, handle: DocHandle<SharedList>): () => void {
  const chip = $('saved');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const save = async (mine: number): Promise<void> => {
    await repo.flush([handle.documentId]);
    await store.flush();
    if (mine !== generation) return;
    chip.dataset['state'] = 'saved';
    chip.textContent = 'Saved on this device';
  };
  return () => {
    const mine = ++generation;
    chip.dataset['state'] = 'saving';
    chip.textContent = 'Saving…';
    clearTimeout(timer);
    timer = setTimeout(() => save(mine).catch(showError), 200);
  };
}

function showError(error: unknown): void {
  const alert = $('error');
  alert.hidden = false;
  alert.textContent = error instanceof Error ? error.message : String(error);
  $('app').dataset['state'] = 'error';
}

async function start(): Promise<void> {
  await initializeBase64Wasm(automergeWasmBase64);
  const store = await openStore(STORE_NAME);
  const network = new BrowserWebSocketClientAdapter(serverUrl(), 1000);
  showConnection(false);
  network.on('peer-candidate', () => showConnection(true));
  network.on('peer-disconnected', () => showConnection(false));
  const repo = new Repo({ storage: new LarderStorageAdapter(store), network: [network] });

  const hash = location.hash.slice(1);
  let handle: DocHandle<SharedList>;
  if (isValidAutomergeUrl(hash)) {
    handle = await repo.find<SharedList>(hash, { allowableStates: ['ready', 'unavailable'] });
    if (!handle.isReady()) {
      throw new Error(
        'This list is neither on this device nor on the sync server. Reload once it is reachable.',
      );
    }
  } else {
    handle = repo.create<SharedList>(emptyList());
    history.replaceState(null, '', `#${handle.url}`);
  }

  const saved = trackSaving(repo, store, handle);
  const update = (): void => {
    render(handle.doc(), handle);
    saved();
  };
  handle.on('change', update);
  update();

  $<HTMLFormElement>('add-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('text') as HTMLInputElement;
    const text = input.value.trim();
    if (text !== '') handle.change((d) => addItem(d, text));
    input.value = '';
  });
  $('increment').addEventListener('click', () => handle.change(countOne));
  $('app').dataset['state'] = 'ready';
}

start().catch(showError);

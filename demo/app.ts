import { openStore, type Persister, type SaveStatus, type Store, type StoreChange } from '../src/index.js';
import { startAutomerge } from './automerge.js';
import { ActivityLine, type SaveState } from './activity-line.js';
import { BackupError, downloadBackup, importIntoEmptyBoard } from './backup.js';
import * as board from './board-doc.js';
import { BoardReplica } from './board-replica.js';
import { BoardView } from './board-view.js';
import { compact, readCompactions } from './compaction.js';
import { formatBytes } from './dom.js';
import { InspectorView } from './inspector-view.js';
import { cacheLoadedUrls, registerServiceWorker } from './offline.js';
import { OriginStoragePanel } from './origin-storage-panel.js';
import { FeedLog } from './feed-log.js';
import { BackupBeforeResetError, resetBoard } from './reset-board.js';
import { describeError, Shell } from './shell.js';
import { pruneSyncStates } from './sync-states.js';
import { claimTabId } from './tab-identity.js';
import { TabSync } from './tab-sync.js';

/** The larder store the demo keeps everything in, and the one document on it. */
export const STORE_NAME = 'larder-demo';
export const DOC_ID = 'board';

/** Starts the app: service worker, Automerge, the store, the board, the views. */
export async function startApp(): Promise<void> {
  const shell = new Shell();
  let store: Store | undefined;
  try {
    const [controlled] = await Promise.all([registerServiceWorker(), startAutomerge()]);
    const tabId = await claimTabId();
    // Typing makes a change per keystroke: a second of write-behind folds them into one
    // transaction, and larder flushes when the tab is hidden or closed.
    store = await openStore(STORE_NAME, { writeBehind: { maxDelayMs: 1000 } });
    const persister = store.persister(DOC_ID);
    await pruneSyncStates(persister);
    const replica = await BoardReplica.open(persister);
    new App(shell, store, persister, replica, tabId).start(controlled);
    shell.ready();
  } catch (e) {
    // A board that cannot load (a damaged snapshot, a change this Automerge cannot read) would
    // otherwise leave clearing site data as the only way out.
    const opened = store;
    shell.fatal(describeError(e), (backUp) => resetBoard(STORE_NAME, opened, backUp));
  }
}

class App {
  readonly #shell: Shell;
  readonly #store: Store;
  readonly #persister: Persister;
  readonly #replica: BoardReplica;
  readonly #tabId: string;
  readonly #board: BoardView;
  readonly #activity = new ActivityLine();
  readonly #originStorage: OriginStoragePanel;
  readonly #inspector: InspectorView;
  readonly #sync: TabSync;
  readonly #feed = new FeedLog();
  #saveFailed = false;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(shell: Shell, store: Store, persister: Persister, replica: BoardReplica, tabId: string) {
    this.#shell = shell;
    this.#store = store;
    this.#persister = persister;
    this.#replica = replica;
    this.#tabId = tabId;
    this.#originStorage = new OriginStoragePanel(store);
    const change = (fn: (d: board.Board) => void) => replica.change(fn);
    this.#board = new BoardView(
      element('board'),
      {
        addCard: (status) => {
          const id = board.newCardId();
          this.#board.focusCard(id);
          change((d) => board.addCard(d, id, status));
        },
        editCard: (id, title) => change((d) => board.setCardTitle(d, id, title)),
        moveCard: (id, by) => change((d) => board.moveCard(d, id, by)),
        shiftCard: (id, by) => change((d) => board.shiftCard(d, id, by)),
        deleteCard: (id) => this.#deleteCard(id),
        renameBoard: (title) => change((d) => board.setBoardTitle(d, title)),
      },
      this.#activity.element,
    );
    this.#inspector = new InspectorView(
      element('inspector'),
      {
        compact: () => void this.#compact(),
        exportBackup: () => void this.#export(),
        importBackup: (file) => void this.#import(file),
        reset: () => void this.#reset(),
      },
      this.#originStorage.element,
      this.#feed.element,
    );
    this.#sync = new TabSync(
      replica,
      persister,
      tabId,
      `larder-demo/${DOC_ID}`,
      (peers) => {
        this.#shell.showPeers(peers.length);
        this.#activity.showOtherTabs(peers.length);
        this.#inspector.showTabs(peers);
      },
      (e) => this.#report(e),
    );
  }

  start(controlled: boolean): void {
    const replica = this.#replica;
    replica.onError((e) => {
      this.#saveFailed = true;
      this.#showSave('failed');
      this.#report(e);
    });
    replica.beforeMerge((doc) => this.#board.holdSelection(doc));
    replica.subscribe((doc) => this.#board.render(doc));
    // What is saved, from larder's own reports: no polling, and the chip and the inspector read
    // the same numbers.
    const store = this.#store;
    store.on('saved', (status) => this.#onSaveStatus(status));
    store.on('commit-error', ({ error }) => {
      this.#saveFailed = true;
      this.#showSave('failed');
      this.#report(error);
    });
    for (const type of ['storage-lost', 'engine-lost'] as const) {
      store.on(type, ({ error }) => {
        // This tab's board is no longer stored: it must not sync its copy back into the tabs
        // that start afresh (after a reset in another tab, that would undo the reset).
        void this.#sync.stop();
        this.#shell.fatal(describeError(error), (backUp) => resetBoard(STORE_NAME, undefined, backUp));
      });
    }
    // A damaged record is set aside by larder and the rest of the board loads: say so, since a
    // card or an edit may be missing until another tab or a backup brings it back.
    store.on('corruption', () =>
      this.#shell.showProblem({
        code: 'corruption',
        title: 'Part of the board’s storage was damaged',
        detail:
          'larder set the damaged part aside and opened the rest. If something is missing, a tab that still has the board open, or a backup, brings it back.',
      }),
    );
    // The change feed: every commit to this store, from this tab or another, as it happens.
    store.subscribe((change) => this.#onCommitted(change));
    this.#board.render(replica.doc);
    this.#inspector.showTabs([]);
    this.#sync.start();
    addEventListener('pagehide', () => void this.#sync.stop().then(() => this.#store.flush()));
    // larder flushes on pagehide; on a reload that can come too late to commit before the page's
    // worker is torn down. beforeunload comes first, when the navigation starts.
    addEventListener('beforeunload', () => void this.#store.flush());
    // A page restored from the back/forward cache said goodbye to its peers: start afresh.
    addEventListener('pageshow', (e) => e.persisted && location.reload());
    this.#onSaveStatus(store.saveStatus());
    void this.#refresh();
    // The origin's usage also changes without a commit here (the offline cache, other sites'
    // eviction): look again now and then. A failed look shows the last one; calls report errors.
    const lookAgain = () => void this.#originStorage.refresh().catch(() => undefined);
    setInterval(() => document.visibilityState === 'visible' && lookAgain(), 5000);
    lookAgain();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.#refresh();
    });
    if (controlled) void cacheLoadedUrls().then((state) => this.#showOffline(state));
    else this.#showOffline('serviceWorker' in navigator ? 'failed' : 'unsupported');
  }

  #showSave(state: SaveState): void {
    this.#shell.showSaveState(state);
    this.#activity.showSave(state);
  }

  #showOffline(state: 'ready' | 'unsupported' | 'failed'): void {
    this.#inspector.showOffline(state);
    this.#activity.showOffline(state);
  }

  #deleteCard(id: string): void {
    const card = this.#replica.doc.cards[id];
    if (card === undefined) return;
    const copy: board.Card = {
      title: card.title,
      status: card.status,
      order: card.order,
      createdAt: card.createdAt,
    };
    this.#replica.change((d) => board.deleteCard(d, id));
    this.#shell.toast(copy.title === '' ? 'Card deleted' : `Deleted “${truncate(copy.title, 40)}”`, {
      label: 'Undo',
      run: () => this.#replica.change((d) => board.restoreCard(d, id, copy)),
    });
  }

  async #compact(): Promise<void> {
    this.#inspector.setCompacting(true);
    try {
      const outcome = await compact(this.#store, this.#persister, this.#replica, DOC_ID, this.#tabId);
      if (outcome.kind === 'compacted') {
        const s = outcome.summary;
        this.#inspector.showCompactStatus(
          `Compacted: changes ${formatBytes(s.changesBefore)} → ${formatBytes(s.changesAfter)}, snapshot ${formatBytes(s.documentBytes)}.`,
          'ok',
          'compacted',
        );
        // Compaction frees space: retry what a full disk refused.
        this.#replica.retrySave();
      } else if (outcome.kind === 'busy') {
        this.#inspector.showCompactStatus(
          'Another tab is compacting this board right now. Try again in a moment.',
          'warn',
          'busy',
        );
      } else if (outcome.kind === 'no-space') {
        this.#inspector.showCompactStatus(
          `Not enough storage left to write the ${formatBytes(outcome.needed)} snapshot; nothing changed. Free some space and try again.`,
          'warn',
          'no-space',
        );
      } else {
        this.#inspector.showCompactStatus(
          'Another tab finished compacting first; nothing changed here.',
          'warn',
          'lost',
        );
      }
    } catch (e) {
      const problem = describeError(e);
      this.#inspector.showCompactStatus(`${problem.title}: ${problem.detail}`, 'error', 'error');
    } finally {
      this.#inspector.setCompacting(false);
      void this.#refresh();
    }
  }

  async #export(): Promise<void> {
    try {
      const size = await downloadBackup(this.#store);
      this.#inspector.showBackupStatus(`Exported the board (${formatBytes(size)}).`, 'ok');
    } catch (e) {
      this.#inspector.showBackupStatus(describeError(e).detail, 'error');
    }
  }

  async #import(file: File): Promise<void> {
    try {
      const { records } = await importIntoEmptyBoard(this.#store, DOC_ID, file);
      await this.#replica.mergeFromStorage();
      this.#inspector.showBackupStatus(`Imported ${file.name}: ${records} records.`, 'ok');
    } catch (e) {
      const text = e instanceof BackupError ? e.message : describeError(e).detail;
      this.#inspector.showBackupStatus(text, 'error');
    } finally {
      void this.#refresh();
    }
  }

  /** "Back up and reset this board" in the inspector: the same way out as the error screen's. */
  async #reset(): Promise<void> {
    this.#inspector.showBackupStatus('Backing up before the reset…', 'info');
    try {
      await this.#sync.stop();
      await resetBoard(STORE_NAME, this.#store);
      location.reload();
    } catch (e) {
      const text =
        e instanceof BackupBeforeResetError
          ? `The backup failed, so nothing was deleted: ${e.message}`
          : describeError(e).detail;
      this.#inspector.showBackupStatus(text, 'error');
    }
  }

  /** What larder has not saved changed: the chip, the inspector, and the full-disk warning. */
  #onSaveStatus(status: SaveStatus): void {
    const pending = status.unsavedBytes > 0 || this.#replica.unsaved > 0;
    const state = this.#saveFailed && pending ? 'failed' : pending ? 'saving' : 'saved';
    this.#inspector.showPending(status.unsavedBytes, state);
    this.#showSave(state);
    if (status.unsavedBytes === 0 && this.#replica.unsaved > 0) {
      // Changes the Persister refused earlier: larder's queue is clear, so hand them over again.
      this.#replica.retrySave();
    }
    if (!pending && this.#saveFailed) {
      // Everything refused earlier is on disk now: the full-disk warning no longer applies.
      this.#saveFailed = false;
      if (this.#shell.problem === undefined || this.#shell.problem.code === 'quota-exceeded') {
        this.#shell.resolveProblem();
      }
    }
  }

  /** A commit landed, here or in another tab: log it, and redraw what it changed. */
  #onCommitted(change: StoreChange): void {
    this.#feed.add(change);
    // Notices come coalesced already; a short debounce keeps a burst of typing to one redraw.
    if (change.documents.has(DOC_ID) || change.consensus.size > 0) {
      clearTimeout(this.#refreshTimer);
      this.#refreshTimer = setTimeout(() => void this.#refresh(), 150);
    }
  }

  /** Reads what the inspector shows: the board's sizes, its sync states, the compactions. */
  async #refresh(): Promise<void> {
    try {
      const [sizes, peers, compactions] = await Promise.all([
        this.#persister.sizes(),
        this.#persister.getPeerIds(),
        readCompactions(this.#store, DOC_ID),
      ]);
      this.#inspector.showSizes(sizes, peers.length);
      this.#inspector.showCompactions(compactions, this.#tabId);
      await this.#originStorage.refresh();
    } catch (e) {
      this.#report(e);
    }
  }

  #report(e: unknown): void {
    this.#shell.showProblem(describeError(e, () => void this.#compact()));
  }
}

function element(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

import type { StoredSizes } from '../src/index.js';
import { formatAgo, formatBytes, h, panel, setNote, type Tone } from './dom.js';
import type { CompactionHistory } from './compaction.js';

/** What the inspector's buttons do. */
export interface InspectorActions {
  compact(): void;
  exportBackup(): void;
  importBackup(file: File): void;
  /** Back up, then delete the board's storage and start an empty board. */
  reset(): void;
}

/** The storage inspector: what larder keeps for the board, and the tools that act on it. */
export class InspectorView {
  readonly #bar: Record<'changes' | 'document' | 'syncStates', HTMLElement>;
  readonly #changes: HTMLElement;
  readonly #document: HTMLElement;
  readonly #syncStates: HTMLElement;
  readonly #pending: HTMLElement;
  readonly #compactButton: HTMLButtonElement;
  readonly #compactStatus: HTMLElement;
  readonly #compactions: HTMLElement;
  readonly #backupStatus: HTMLElement;
  readonly #tabs: HTMLElement;
  readonly #offline: HTMLElement;

  /**
   * @param root - the inspector's element.
   * @param actions - what the buttons do.
   * @param originStorage - the panel about the whole origin's storage, placed among the others.
   * @param feed - the live list of what larder committed (see feed-log.ts).
   */
  constructor(root: HTMLElement, actions: InspectorActions, originStorage: HTMLElement, feed: HTMLElement) {
    const stat = (label: string, swatch: string | undefined, testId: string) => {
      const dd = h('dd', { 'data-testid': testId, 'data-bytes': 0 }, '–');
      return [
        h(
          'div',
          { class: 'stat' },
          h('dt', {}, swatch ? h('i', { class: `swatch ${swatch}` }) : '', label),
          dd,
        ),
        dd,
      ] as const;
    };
    const [changesRow, changes] = stat('Changes', 'changes', 'changes-bytes');
    const [documentRow, document_] = stat('Snapshot', 'document', 'document-bytes');
    const [syncRow, syncStates] = stat('Sync states', 'sync', 'sync-bytes');
    const [pendingRow, pending] = stat('Not yet on disk', undefined, 'pending-bytes');
    this.#changes = changes;
    this.#document = document_;
    this.#syncStates = syncStates;
    this.#pending = pending;
    this.#bar = {
      changes: h('span', { class: 'seg changes' }),
      document: h('span', { class: 'seg document' }),
      syncStates: h('span', { class: 'seg sync' }),
    };
    this.#compactButton = h(
      'button',
      { class: 'btn primary', type: 'button', onClick: () => actions.compact() },
      'Compact now',
    );
    this.#compactStatus = h('p', { class: 'note', role: 'status', 'data-testid': 'compact-status' });
    this.#compactions = h(
      'p',
      { class: 'muted', 'data-testid': 'compactions', 'data-count': 0 },
      'No compactions yet.',
    );
    this.#backupStatus = h('p', { class: 'note', role: 'status', 'data-testid': 'backup-status' });
    const file = h('input', {
      type: 'file',
      // What "Export backup" downloads (backup.ts), and JSON from earlier versions of the demo.
      accept: '.larder-backup,.json,application/json',
      class: 'visually-hidden',
      onChange: () => {
        const chosen = file.files?.[0];
        file.value = '';
        if (chosen !== undefined) actions.importBackup(chosen);
      },
    });
    this.#tabs = h('p', { 'data-testid': 'tabs' }, 'Only this tab');
    this.#offline = h(
      'p',
      { 'data-testid': 'offline-status', 'data-state': 'preparing' },
      'Preparing offline use…',
    );

    root.append(
      h('h2', { id: 'inspector-heading' }, 'Storage'),
      h(
        'p',
        { class: 'lede' },
        'What larder keeps for this board in this browser, and the tools that act on it.',
      ),
      panel(
        'This board',
        h(
          'div',
          { class: 'stackbar', 'aria-hidden': 'true' },
          this.#bar.changes,
          this.#bar.document,
          this.#bar.syncStates,
        ),
        h('dl', { class: 'stats' }, changesRow, documentRow, syncRow, pendingRow),
      ),
      panel(
        'Compaction',
        h(
          'p',
          { class: 'muted' },
          'Folds the board’s edit history into one snapshot, so it takes less space. With several tabs open, one of them does it at a time.',
        ),
        this.#compactButton,
        this.#compactStatus,
        this.#compactions,
      ),
      originStorage,
      panel(
        'Backup',
        h(
          'p',
          { class: 'muted' },
          'A file with the snapshot, every change and the sync states. Import it into an empty board; resetting downloads one first, then empties this board in every tab.',
        ),
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { class: 'btn', type: 'button', onClick: () => actions.exportBackup() },
            'Export backup',
          ),
          h('label', { class: 'btn file' }, 'Import backup', file),
          h(
            'button',
            { class: 'btn danger', type: 'button', onClick: () => actions.reset() },
            'Back up and reset',
          ),
        ),
        this.#backupStatus,
      ),
      panel('Tabs and offline', this.#tabs, this.#offline),
      panel(
        'Live activity',
        h(
          'p',
          { class: 'muted' },
          'What larder commits, in this tab and in the others, as its change feed reports it.',
        ),
        feed,
      ),
    );
  }

  /** Shows what the board's Persister holds. */
  showSizes(sizes: StoredSizes, syncStateCount: number): void {
    setBytes(this.#changes, sizes.changes);
    setBytes(this.#document, sizes.document);
    setBytes(
      this.#syncStates,
      sizes.syncStates,
      `${syncStateCount} ${syncStateCount === 1 ? 'state' : 'states'}`,
    );
    const total = sizes.changes + sizes.document + sizes.syncStates;
    this.#bar.changes.style.flexGrow = String(total === 0 ? 0 : sizes.changes);
    this.#bar.document.style.flexGrow = String(total === 0 ? 0 : sizes.document);
    this.#bar.syncStates.style.flexGrow = String(total === 0 ? 0 : sizes.syncStates);
  }

  /** Shows the bytes still in larder's write-behind buffer. */
  showPending(bytes: number, state: 'saved' | 'saving' | 'failed'): void {
    setBytes(this.#pending, bytes, { saved: 'all saved', saving: 'saving', failed: 'not saved' }[state]);
  }

  /** Shows the outcome of pressing "Compact now". */
  showCompactStatus(text: string, tone: Tone, outcome: string): void {
    setNote(this.#compactStatus, text, tone);
    this.#compactStatus.dataset['outcome'] = outcome;
  }

  /** Disables "Compact now" while a compaction runs. */
  setCompacting(running: boolean): void {
    this.#compactButton.disabled = running;
    this.#compactButton.textContent = running ? 'Compacting…' : 'Compact now';
  }

  /** Shows the compaction history the lease carries. */
  showCompactions(history: CompactionHistory, self: string): void {
    const count = history.compactions;
    this.#compactions.dataset['count'] = String(count);
    const last = history.last;
    this.#compactions.textContent =
      last === undefined
        ? 'No compactions yet.'
        : `${count} ${count === 1 ? 'compaction' : 'compactions'} so far. Last ${formatAgo(last.at)} by ${
            last.by === self ? 'this tab' : 'another tab'
          }: changes ${formatBytes(last.changesBefore)} → ${formatBytes(last.changesAfter)}.`;
  }

  /** Shows the outcome of an export or import. */
  showBackupStatus(text: string, tone: Tone): void {
    setNote(this.#backupStatus, text, tone);
  }

  /** Shows how many other tabs have the board open. */
  showTabs(peers: string[]): void {
    this.#tabs.textContent =
      peers.length === 0
        ? 'Only this tab has the board open.'
        : `${peers.length} other ${peers.length === 1 ? 'tab has' : 'tabs have'} the board open; edits appear in every tab as you type.`;
    this.#tabs.dataset['peers'] = String(peers.length);
  }

  /** Shows whether the app can start without a network. */
  showOffline(state: 'preparing' | 'ready' | 'unsupported' | 'failed'): void {
    this.#offline.dataset['state'] = state;
    this.#offline.textContent = {
      preparing: 'Preparing offline use…',
      ready: 'Ready to work offline: the app and this board open without a network.',
      unsupported: 'This browser cannot run the app offline (no service workers).',
      failed: 'Offline use is not available: the service worker did not start.',
    }[state];
  }
}

function setBytes(el: HTMLElement, bytes: number, extra?: string): void {
  el.dataset['bytes'] = String(bytes);
  el.textContent = extra === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} · ${extra}`;
}

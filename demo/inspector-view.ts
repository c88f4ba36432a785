import type { StoredSizes } from '../src/index.js';
import { formatAgo, formatBytes, h } from './dom.js';
import type { LeaseRecord } from './lease.js';

/** What the inspector's buttons do. */
export interface InspectorActions {
  compact(): void;
  persist(): void;
  exportBackup(): void;
  importBackup(file: File): void;
}

export type Tone = 'ok' | 'warn' | 'error' | 'info';

/** The storage inspector: what larder keeps for the board, and the tools that act on it. */
export class InspectorView {
  readonly #bar: Record<'changes' | 'document' | 'syncStates', HTMLElement>;
  readonly #changes: HTMLElement;
  readonly #document: HTMLElement;
  readonly #syncStates: HTMLElement;
  readonly #pending: HTMLElement;
  readonly #meter: HTMLElement;
  readonly #meterFill: HTMLElement;
  readonly #usage: HTMLElement;
  readonly #persisted: HTMLElement;
  readonly #persistNote: HTMLElement;
  readonly #persistButton: HTMLButtonElement;
  readonly #compactButton: HTMLButtonElement;
  readonly #compactStatus: HTMLElement;
  readonly #compactions: HTMLElement;
  readonly #persistStatus: HTMLElement;
  readonly #backupStatus: HTMLElement;
  readonly #tabs: HTMLElement;
  readonly #offline: HTMLElement;

  /**
   * @param root - the inspector's element.
   * @param actions - what the buttons do.
   */
  constructor(root: HTMLElement, actions: InspectorActions) {
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
    this.#meterFill = h('span');
    this.#meter = h(
      'div',
      { class: 'meter', role: 'meter', 'aria-label': 'Storage used by this site', 'aria-valuemin': 0 },
      this.#meterFill,
    );
    this.#usage = h('p', { class: 'muted', 'data-testid': 'usage' }, 'Measuring…');
    this.#persisted = h('span', { 'data-testid': 'persisted' }, '…');
    this.#persistNote = h('p', { class: 'muted' });
    this.#persistButton = h(
      'button',
      { class: 'btn', type: 'button', onClick: () => actions.persist() },
      'Keep data on this device',
    );
    this.#persistStatus = h('p', { class: 'note', role: 'status', 'data-testid': 'persist-status' });
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
      accept: '.json,application/json',
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

    const section = (title: string, ...children: Array<Node | string>) =>
      h('section', { class: 'panel' }, h('h3', {}, title), ...children);
    root.append(
      h('h2', { id: 'inspector-heading' }, 'Storage'),
      h(
        'p',
        { class: 'lede' },
        'What larder keeps for this board in this browser, and the tools that act on it.',
      ),
      section(
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
      section(
        'Compaction',
        h(
          'p',
          { class: 'muted' },
          'Folds every change into one snapshot. One tab at a time holds the compaction lease.',
        ),
        this.#compactButton,
        this.#compactStatus,
        this.#compactions,
      ),
      section(
        'Browser storage',
        this.#meter,
        this.#usage,
        h(
          'dl',
          { class: 'stats' },
          h('div', { class: 'stat' }, h('dt', {}, 'Persistence'), h('dd', {}, this.#persisted)),
        ),
        this.#persistNote,
        this.#persistButton,
        this.#persistStatus,
      ),
      section(
        'Backup',
        h(
          'p',
          { class: 'muted' },
          'A file with the snapshot, every change and the sync states. Import it into an empty board.',
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
        ),
        this.#backupStatus,
      ),
      section('Tabs and offline', this.#tabs, this.#offline),
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

  /** Shows the origin's usage and quota. */
  showEstimate(estimate: StorageEstimate | undefined): void {
    if (estimate?.usage === undefined || estimate.quota === undefined) {
      this.#usage.textContent = 'This browser does not report its storage use.';
      return;
    }
    const share = estimate.quota === 0 ? 0 : estimate.usage / estimate.quota;
    this.#meterFill.style.width = `${Math.max(share * 100, estimate.usage > 0 ? 1 : 0)}%`;
    this.#meter.setAttribute('aria-valuemax', String(estimate.quota));
    this.#meter.setAttribute('aria-valuenow', String(estimate.usage));
    this.#meter.setAttribute(
      'aria-valuetext',
      `${formatBytes(estimate.usage)} of ${formatBytes(estimate.quota)}`,
    );
    const percent = share < 0.001 ? '<0.1' : (share * 100).toFixed(1);
    this.#usage.textContent = `${formatBytes(estimate.usage)} of ${formatBytes(estimate.quota)} used by this site (${percent}%)`;
  }

  /** Shows whether the origin's storage is persistent. */
  showPersisted(persisted: boolean | undefined): void {
    this.#persisted.textContent =
      persisted === undefined ? 'Unknown' : persisted ? 'Persistent' : 'Best effort';
    this.#persistNote.textContent =
      persisted === undefined
        ? 'This browser does not say whether it may clear this site’s data.'
        : persisted
          ? 'The browser keeps this site’s data until you clear it.'
          : 'The browser may clear this site’s data when the disk runs low on space.';
    this.#persisted.dataset['persisted'] = String(persisted);
    this.#persistButton.hidden = persisted !== false;
  }

  /** Shows the answer to a persistence request. */
  showPersistAnswer(granted: boolean): void {
    setNote(
      this.#persistStatus,
      granted
        ? 'Granted: the browser will keep this data until you clear it.'
        : 'Not granted: the browser decides. It usually agrees for sites you use often, bookmark or install.',
      granted ? 'ok' : 'warn',
    );
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

  /** Shows the compaction history the lease records. */
  showCompactions(record: LeaseRecord | undefined, self: string): void {
    const count = record?.compactions ?? 0;
    this.#compactions.dataset['count'] = String(count);
    const last = record?.last;
    this.#compactions.textContent =
      last === undefined
        ? 'No compactions yet.'
        : `${count} ${count === 1 ? 'compaction' : 'compactions'} so far. Last ${formatAgo(last.at)} by ${
            last.by === self ? 'this tab' : `tab ${last.by.slice(0, 6)}`
          }: changes ${formatBytes(last.changesBefore)} → ${formatBytes(last.changesAfter)}.`;
  }

  /** Shows the outcome of an export or import. */
  showBackupStatus(text: string, tone: Tone): void {
    setNote(this.#backupStatus, text, tone);
  }

  /** Shows the tabs connected now. */
  showTabs(self: string, peers: string[]): void {
    const others =
      peers.length === 0
        ? 'no other tabs open'
        : `${peers.length} other ${peers.length === 1 ? 'tab' : 'tabs'} connected`;
    this.#tabs.textContent = `This tab is ${self.slice(0, 6)}; ${others}.`;
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

function setNote(el: HTMLElement, text: string, tone: Tone): void {
  el.textContent = text;
  el.dataset['tone'] = tone;
}

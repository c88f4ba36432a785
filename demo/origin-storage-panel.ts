import { formatBytes, h, panel, setNote } from './dom.js';

/**
 * The origin's storage as the browser reports it: usage against quota as a bar, whether the data
 * is persistent, and a button that asks for persistence and shows the answer.
 */
export class OriginStoragePanel {
  /** The panel's element, for the inspector to place. */
  readonly element: HTMLElement;
  readonly #meter: HTMLElement;
  readonly #fill = h('span');
  readonly #usage = h('p', { class: 'muted', 'data-testid': 'usage' }, 'Measuring…');
  readonly #breakdown = h('p', { class: 'muted', 'data-testid': 'usage-breakdown', hidden: true });
  readonly #persisted = h('span', { 'data-testid': 'persisted' }, '…');
  readonly #note = h('p', { class: 'muted' });
  readonly #button: HTMLButtonElement;
  readonly #answer = h('p', { class: 'note', role: 'status', 'data-testid': 'persist-status' });

  constructor() {
    this.#meter = h(
      'div',
      { class: 'meter', role: 'meter', 'aria-label': 'Storage used by this site', 'aria-valuemin': 0 },
      this.#fill,
    );
    this.#button = h(
      'button',
      { class: 'btn', type: 'button', onClick: () => void this.#persist() },
      'Keep data on this device',
    );
    const persistence = h('div', { class: 'stat' }, h('dt', {}, 'Persistence'), h('dd', {}, this.#persisted));
    this.element = panel(
      'Browser storage',
      this.#meter,
      this.#usage,
      this.#breakdown,
      h('dl', { class: 'stats' }, persistence),
      this.#note,
      this.#button,
      this.#answer,
    );
  }

  /** Reads the origin's usage, quota and persistence again. */
  async refresh(): Promise<void> {
    const storage = navigator.storage as StorageManager | undefined;
    const [estimate, persisted] = await Promise.all([
      storage?.estimate().catch(() => undefined),
      storage?.persisted().catch(() => undefined),
    ]);
    this.#showEstimate(estimate);
    this.#showPersisted(persisted);
  }

  async #persist(): Promise<void> {
    const granted = await navigator.storage.persist();
    setNote(
      this.#answer,
      granted
        ? 'Granted: the browser will keep this data until you clear it.'
        : 'Not granted: the browser decides. It usually agrees for sites you use often, bookmark or install.',
      granted ? 'ok' : 'warn',
    );
    await this.refresh();
  }

  #showEstimate(estimate: StorageEstimate | undefined): void {
    if (estimate?.usage === undefined || estimate.quota === undefined) {
      this.#usage.textContent = 'This browser does not report its storage use.';
      return;
    }
    const { usage, quota } = estimate;
    const share = quota === 0 ? 0 : usage / quota;
    this.#fill.style.width = `${Math.max(share * 100, usage > 0 ? 1 : 0)}%`;
    this.#meter.setAttribute('aria-valuemax', String(quota));
    this.#meter.setAttribute('aria-valuenow', String(usage));
    this.#meter.setAttribute('aria-valuetext', `${formatBytes(usage)} of ${formatBytes(quota)}`);
    const percent = share < 0.001 ? '<0.1' : (share * 100).toFixed(1);
    this.#usage.textContent = `${formatBytes(usage)} of ${formatBytes(quota)} used by this site (${percent}%)`;
    // Chromium says what the usage is made of: most of it is usually the app's own files, kept
    // for offline use, not the board.
    const details = (estimate as { usageDetails?: Record<string, number> }).usageDetails;
    this.#breakdown.hidden = details === undefined;
    if (details !== undefined) {
      const app = (details['caches'] ?? 0) + (details['serviceWorkerRegistrations'] ?? 0);
      this.#breakdown.textContent = `The app’s files for offline use: ${formatBytes(app)} · Boards and other data: ${formatBytes(details['indexedDB'] ?? 0)}`;
    }
  }

  #showPersisted(persisted: boolean | undefined): void {
    this.#persisted.textContent =
      persisted === undefined ? 'Unknown' : persisted ? 'Persistent' : 'Best effort';
    this.#persisted.dataset['persisted'] = String(persisted);
    this.#note.textContent =
      persisted === undefined
        ? 'This browser does not say whether it may clear this site’s data.'
        : persisted
          ? 'The browser keeps this site’s data until you clear it.'
          : 'The browser may clear this site’s data when the disk runs low on space.';
    this.#button.hidden = persisted !== false;
  }
}

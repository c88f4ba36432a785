import type { StorageHealth, Store } from '../src/index.js';
import { formatBytes, h, panel, setNote } from './dom.js';

/**
 * The origin's storage, from larder's `store.health()`: usage against quota as a bar, what
 * larder itself keeps (from its counters), a warning when space runs low, whether the data is
 * persistent, and a button that asks for persistence (`store.requestPersistence()`).
 */
export class OriginStoragePanel {
  readonly #store: Store;
  /** The panel's element, for the inspector to place. */
  readonly element: HTMLElement;
  readonly #meter: HTMLElement;
  readonly #fill = h('span');
  readonly #usage = h('p', { class: 'muted', 'data-testid': 'usage' }, 'Measuring…');
  readonly #breakdown = h('p', { class: 'muted', 'data-testid': 'usage-breakdown', hidden: true });
  readonly #low = h('p', { class: 'note', 'data-tone': 'warn', 'data-testid': 'low-space', hidden: true });
  readonly #persisted = h('span', { 'data-testid': 'persisted' }, '…');
  readonly #note = h('p', { class: 'muted' });
  readonly #button: HTMLButtonElement;
  readonly #answer = h('p', { class: 'note', role: 'status', 'data-testid': 'persist-status' });

  /** @param store - the store whose health it shows. */
  constructor(store: Store) {
    this.#store = store;
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
      this.#low,
      h('dl', { class: 'stats' }, persistence),
      this.#note,
      this.#button,
      this.#answer,
    );
  }

  /** Reads the origin's usage, quota and persistence again. */
  async refresh(): Promise<void> {
    const health = await this.#store.health();
    this.#showUsage(health);
    this.#showPersisted(health.origin.persisted);
  }

  async #persist(): Promise<void> {
    const granted = await this.#store.requestPersistence();
    setNote(
      this.#answer,
      granted
        ? 'Granted: the browser will keep this data until you clear it.'
        : 'Not granted: the browser decides. It usually agrees for sites you use often, bookmark or install.',
      granted ? 'ok' : 'warn',
    );
    await this.refresh();
  }

  #showUsage(health: StorageHealth): void {
    const { usage, quota, available } = health.origin;
    if (usage === undefined || quota === undefined) {
      this.#usage.textContent = 'This browser does not report its storage use.';
      return;
    }
    const share = quota === 0 ? 0 : usage / quota;
    this.#fill.style.width = `${Math.max(share * 100, usage > 0 ? 1 : 0)}%`;
    this.#meter.setAttribute('aria-valuemax', String(quota));
    this.#meter.setAttribute('aria-valuenow', String(usage));
    this.#meter.setAttribute('aria-valuetext', `${formatBytes(usage)} of ${formatBytes(quota)}`);
    const percent = share < 0.001 ? '<0.1' : (share * 100).toFixed(1);
    this.#usage.textContent = `${formatBytes(usage)} of ${formatBytes(quota)} used by this site (${percent}%)`;
    // Most of the site's usage is usually the app's own files, kept for offline use: say how
    // little of it the board is, as larder counts it.
    const mine = health.store.total;
    this.#breakdown.hidden = false;
    this.#breakdown.dataset['bytes'] = String(mine);
    // larder's counters count what is on disk: removed changes too, until it rewrites them.
    this.#breakdown.textContent = `The board on disk, as larder counts it (removed edits too, until rewritten): ${formatBytes(mine)} · The app’s files for offline use and the rest: ${formatBytes(Math.max(usage - mine, 0))}`;
    this.#low.hidden = !health.lowSpace;
    this.#low.textContent = health.lowSpace
      ? `Space is running low: ${formatBytes(available ?? 0)} left. Compacting the board frees some.`
      : '';
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

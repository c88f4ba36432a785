import { h } from './dom.js';

export type SaveState = 'saved' | 'saving' | 'failed';
export type OfflineState = 'preparing' | 'ready' | 'unsupported' | 'failed';

/**
 * One line under the board's name that says, in a user's words, what the storage is doing:
 * "Saved on this device · 3 tabs in sync · works offline". It changes its text only when the
 * facts change, since it is a live region and screen readers read every change.
 */
export class ActivityLine {
  /** The line, for the board to place under its name. */
  readonly element = h('p', { class: 'activity', role: 'status', 'data-testid': 'activity' });
  #save: SaveState = 'saved';
  #otherTabs = 0;
  #offline: OfflineState = 'preparing';

  constructor() {
    this.#render();
  }

  /** Whether everything typed is on disk. */
  showSave(state: SaveState): void {
    this.#save = state;
    this.#render();
  }

  /** How many other tabs have the board open and exchange edits with this one. */
  showOtherTabs(count: number): void {
    this.#otherTabs = count;
    this.#render();
  }

  /** Whether the app opens without a network. */
  showOffline(state: OfflineState): void {
    this.#offline = state;
    this.#render();
  }

  #render(): void {
    const parts = [
      { saved: 'Saved on this device', saving: 'Saving on this device…', failed: 'Not saved yet' }[
        this.#save
      ],
    ];
    if (this.#otherTabs > 0) parts.push(`${this.#otherTabs + 1} tabs in sync`);
    if (this.#offline === 'ready') parts.push('works offline');
    const text = parts.join(' · ');
    if (this.element.textContent === text) return;
    // Each part on one line: a narrow screen wraps between them, never inside one.
    this.element.replaceChildren(
      ...parts.flatMap((part, i) => [i === 0 ? '' : ' · ', h('span', { class: 'nowrap' }, part)]),
    );
    this.element.dataset['save'] = this.#save;
  }
}

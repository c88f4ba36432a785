import type { StoreChange } from '../src/index.js';
import { h } from './dom.js';

/** How many notices the inspector keeps on screen. */
const KEPT = 8;

/**
 * The inspector's live view of larder's change feed (`store.subscribe`): one line per notice,
 * newest first, saying what was committed and whether this tab or another one committed it.
 * Notices name what changed, never the data, so this costs nothing per byte typed.
 */
export class FeedLog {
  readonly element: HTMLOListElement;
  #count = 0;

  constructor() {
    this.element = h('ol', { class: 'feed-log', 'data-testid': 'feed-log', 'aria-live': 'off' });
    this.element.append(
      h('li', { class: 'muted', 'data-empty': true }, 'Nothing committed since this tab opened.'),
    );
  }

  /** Adds a notice; returns false when it named nothing the board shows (nothing added). */
  add(change: StoreChange, at = new Date()): boolean {
    const what = describe(change);
    if (what === undefined) return false;
    this.element.querySelector('[data-empty]')?.remove();
    this.#count++;
    const who = change.local ? 'this tab' : 'another tab';
    this.element.prepend(
      h(
        'li',
        { 'data-local': String(change.local), 'data-what': what },
        h('time', { datetime: at.toISOString() }, at.toLocaleTimeString()),
        ` ${who} saved ${what}`,
      ),
    );
    while (this.element.children.length > KEPT) this.element.lastElementChild?.remove();
    this.element.dataset['count'] = String(this.#count);
    return true;
  }
}

/** "changes, snapshot and sync states", from what the notice says changed; undefined for none. */
function describe(change: StoreChange): string | undefined {
  const parts = new Set<string>();
  for (const doc of change.documents.values()) {
    if (doc.changes) parts.add('changes');
    if (doc.document) parts.add('a snapshot');
    if (doc.syncStates) parts.add('sync states');
  }
  // Leases are kept on larder's Consensus log: a compaction taking or giving back its lease.
  if (change.consensus.size > 0) parts.add('a lease');
  if (parts.size === 0) return undefined;
  const list = [...parts];
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

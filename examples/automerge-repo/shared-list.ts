import { Automerge } from '@automerge/automerge-repo/slim';

/** One entry of the list. */
export interface ListItem {
  /** Stable across devices, so that removing an item never removes another one moved into its place. */
  id: string;
  text: string;
}

/** The Automerge document the example edits: a list and a counter. */
export interface SharedList {
  items: ListItem[];
  /** An Automerge counter: increments made on two devices at once add up instead of one winning. */
  count: Automerge.Counter;
}

/** The content of a new list. */
export function emptyList(): SharedList {
  return { items: [], count: new Automerge.Counter(0) };
}

/** Appends an item with `text`; meant to run inside `handle.change`. */
export function addItem(doc: SharedList, text: string): void {
  doc.items.push({ id: crypto.randomUUID(), text });
}

/** Removes the item whose id is `id`, if it is still there; meant to run inside `handle.change`. */
export function removeItem(doc: SharedList, id: string): void {
  const index = doc.items.findIndex((item) => item.id === id);
  if (index >= 0) doc.items.splice(index, 1);
}

/** Adds one to the counter; meant to run inside `handle.change`. */
export function countOne(doc: SharedList): void {
  doc.count.increment(1);
}

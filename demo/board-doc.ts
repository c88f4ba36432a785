import * as Automerge from '@automerge/automerge/slim';

/** The board's columns, in display order. */
export const COLUMNS = [
  { status: 'todo', title: 'To do' },
  { status: 'doing', title: 'Doing' },
  { status: 'done', title: 'Done' },
] as const;

export type Status = (typeof COLUMNS)[number]['status'];

/** One card. `title` is Automerge text, so people can type into it at the same time. */
export interface Card {
  title: string;
  status: Status;
  /** Position within the column: cards sort by `order`, then by id. */
  order: number;
  createdAt: number;
}

/** The document every tab edits. */
export interface Board {
  title: string;
  cards: Record<string, Card>;
}

/**
 * The actor of the board's first change. Every replica creates that change itself, with this
 * actor and time 0, so the bytes, and the hash, are the same everywhere: two tabs that start on an
 * empty store share one `cards` map instead of racing to create two.
 */
const GENESIS_ACTOR = '00000000000000000000000000000000';

let genesis: Uint8Array | undefined;

/** Returns the board's first change: the same bytes in every tab. */
export function genesisChange(): Uint8Array {
  if (genesis === undefined) {
    const doc = Automerge.change(Automerge.init<Board>({ actor: GENESIS_ACTOR }), { time: 0 }, (d) => {
      d.title = 'Team board';
      d.cards = {};
    });
    const change = Automerge.getLastLocalChange(doc);
    if (change === undefined) throw new Error('The genesis change is empty');
    genesis = change;
  }
  return genesis;
}

/** Returns the cards of one column in display order. */
export function cardsIn(board: Board, status: Status): Array<[string, Card]> {
  return Object.entries(board.cards ?? {})
    .filter(([, card]) => card.status === status)
    .sort(([a, x], [b, y]) => x.order - y.order || (a < b ? -1 : a > b ? 1 : 0));
}

/** A new, random card id. */
export function newCardId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 16);
}

/** Adds an empty card at the end of a column. */
export function addCard(d: Board, id: string, status: Status, title = ''): void {
  const last = cardsIn(d, status).at(-1);
  d.cards[id] = { title, status, order: (last?.[1].order ?? 0) + 1, createdAt: Date.now() };
}

/** Replaces a card's title, as a text diff so concurrent typing merges. */
export function setCardTitle(d: Board, id: string, title: string): void {
  if (d.cards[id] === undefined) return;
  Automerge.updateText(d, ['cards', id, 'title'], title);
}

/** Replaces the board's title, as a text diff. */
export function setBoardTitle(d: Board, title: string): void {
  Automerge.updateText(d, ['title'], title);
}

/** Moves a card one place up (-1) or down (+1) within its column. */
export function moveCard(d: Board, id: string, by: -1 | 1): void {
  const card = d.cards[id];
  if (card === undefined) return;
  const ids = cardsIn(d, card.status).map(([cid]) => cid);
  const from = ids.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= ids.length) return;
  ids.splice(from, 1);
  ids.splice(to, 0, id);
  placeAt(d, ids, to);
}

/** Moves a card to the previous (-1) or next (+1) column, at its end. */
export function shiftCard(d: Board, id: string, by: -1 | 1): void {
  const card = d.cards[id];
  if (card === undefined) return;
  const index = COLUMNS.findIndex((c) => c.status === card.status) + by;
  const target = COLUMNS[index];
  if (target === undefined) return;
  const last = cardsIn(d, target.status).at(-1);
  card.status = target.status;
  card.order = (last?.[1].order ?? 0) + 1;
}

/** Deletes a card. */
export function deleteCard(d: Board, id: string): void {
  delete d.cards[id];
}

/** Puts a card back after a delete, as it was. */
export function restoreCard(d: Board, id: string, card: Card): void {
  d.cards[id] = { title: card.title, status: card.status, order: card.order, createdAt: card.createdAt };
}

/** Gives `ids[index]` an order between its neighbours in `ids`, renumbering when there is no room. */
function placeAt(d: Board, ids: string[], index: number): void {
  const before = index > 0 ? d.cards[ids[index - 1]!]!.order : undefined;
  const after = index < ids.length - 1 ? d.cards[ids[index + 1]!]!.order : undefined;
  const order =
    before === undefined ? (after ?? 1) - 1 : after === undefined ? before + 1 : (before + after) / 2;
  if (order !== before && order !== after) {
    d.cards[ids[index]!]!.order = order;
    return;
  }
  // Two neighbours share an order (concurrent moves) or doubles ran out of room between them.
  ids.forEach((cid, i) => (d.cards[cid]!.order = i + 1));
}

import * as Automerge from '@automerge/automerge/slim';
import { cardsIn, COLUMNS, type Board, type Status } from './board-doc.js';
import { h, icon } from './dom.js';

/** What people can do on the board; the view calls these and renders what comes back. */
export interface BoardActions {
  addCard(status: Status): void;
  editCard(id: string, title: string): void;
  moveCard(id: string, by: -1 | 1): void;
  shiftCard(id: string, by: -1 | 1): void;
  deleteCard(id: string): void;
  renameBoard(title: string): void;
}

interface CardView {
  el: HTMLLIElement;
  title: HTMLTextAreaElement;
  up: HTMLButtonElement;
  down: HTMLButtonElement;
  left: HTMLButtonElement;
  right: HTMLButtonElement;
}

interface ColumnView {
  list: HTMLOListElement;
  count: HTMLElement;
  empty: HTMLElement;
}

/** A text selection held as Automerge cursors, so it survives text typed in by other tabs. */
interface HeldSelection {
  field: HTMLInputElement | HTMLTextAreaElement;
  path: Automerge.Prop[];
  start: Automerge.Cursor;
  end: Automerge.Cursor;
}

/** The board: a title and three columns of cards, rendered by key so focus and caret survive. */
export class BoardView {
  readonly #actions: BoardActions;
  readonly #title: HTMLInputElement;
  readonly #columns = new Map<Status, ColumnView>();
  readonly #cards = new Map<string, CardView>();
  readonly #paths = new WeakMap<Element, Automerge.Prop[]>();
  #held: HeldSelection | undefined;
  #focusNext: string | undefined;

  /**
   * @param root - the element the board renders into.
   * @param actions - what the controls do.
   * @param status - a line to show under the board's name (what the storage is doing).
   */
  constructor(root: HTMLElement, actions: BoardActions, status?: HTMLElement) {
    this.#actions = actions;
    this.#title = h('input', {
      class: 'board-title',
      type: 'text',
      'aria-label': 'Board name',
      placeholder: 'Name this board',
      maxlength: 80,
      onInput: () => actions.renameBoard(this.#title.value),
    });
    this.#paths.set(this.#title, ['title']);
    const columns = h('div', { class: 'columns' });
    for (const { status, title } of COLUMNS) {
      const headingId = `column-${status}-heading`;
      const count = h('span', { class: 'count', 'aria-label': 'cards' }, '0');
      const list = h('ol', { class: 'cards', 'aria-labelledby': headingId });
      const empty = h(
        'p',
        { class: 'empty' },
        status === 'todo' ? 'Nothing here yet. Add a first card to get started.' : 'No cards',
      );
      const add = h(
        'button',
        {
          class: 'add-card',
          type: 'button',
          'aria-label': `Add card to ${title}`,
          onClick: () => actions.addCard(status),
        },
        icon('plus'),
        h('span', {}, 'Add card'),
      );
      columns.append(
        h(
          'section',
          { class: 'column', 'data-testid': `column-${status}`, 'aria-labelledby': headingId },
          h('header', { class: 'column-head' }, h('h2', { id: headingId }, title), count),
          list,
          empty,
          add,
        ),
      );
      this.#columns.set(status, { list, count, empty });
    }
    root.append(h('div', { class: 'board-head' }, this.#title, status), columns);
  }

  /** Puts the caret in this card's title after the next render (a card just added). */
  focusCard(id: string): void {
    this.#focusNext = id;
  }

  /** Notes the caret as Automerge cursors before text from elsewhere is merged in. */
  holdSelection(doc: Automerge.Doc<Board>): void {
    const field = document.activeElement;
    const path = field === null ? undefined : this.#paths.get(field);
    if (path === undefined || !(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement))
      return;
    try {
      const at = (i: number | null) => ((i ?? field.value.length) >= field.value.length ? 'end' : (i ?? 0));
      this.#held = {
        field,
        path,
        start: Automerge.getCursor(doc, path, at(field.selectionStart)),
        end: Automerge.getCursor(doc, path, at(field.selectionEnd)),
      };
    } catch {
      this.#held = undefined;
    }
  }

  /** Renders the board. */
  render(doc: Automerge.Doc<Board>): void {
    const active = document.activeElement;
    setValue(this.#title, doc.title ?? '');
    const seen = new Set<string>();
    COLUMNS.forEach(({ status }, columnIndex) => {
      const column = this.#columns.get(status)!;
      const cards = cardsIn(doc, status);
      cards.forEach(([id, card], i) => {
        seen.add(id);
        const view = this.#cards.get(id) ?? this.#createCard(id);
        setValue(view.title, card.title);
        view.up.disabled = i === 0;
        view.down.disabled = i === cards.length - 1;
        const prev = COLUMNS[columnIndex - 1];
        const next = COLUMNS[columnIndex + 1];
        setMove(view.left, prev?.title);
        setMove(view.right, next?.title);
        const here = column.list.children[i];
        if (here !== view.el) column.list.insertBefore(view.el, here ?? null);
      });
      column.count.textContent = String(cards.length);
      column.empty.hidden = cards.length > 0;
    });
    for (const [id, view] of this.#cards) {
      if (!seen.has(id)) {
        view.el.remove();
        this.#cards.delete(id);
      }
    }
    this.#restoreSelection(doc);
    this.#restoreFocus(active);
  }

  #createCard(id: string): CardView {
    const a = this.#actions;
    const title = h('textarea', {
      class: 'card-title',
      'aria-label': 'Card title',
      placeholder: 'Untitled card',
      rows: 1,
      onInput: () => a.editCard(id, title.value),
    });
    this.#paths.set(title, ['cards', id, 'title']);
    const button = (
      label: string,
      glyph: Parameters<typeof icon>[0],
      onClick: () => void,
      cls = 'icon-btn',
    ) => h('button', { class: cls, type: 'button', 'aria-label': label, title: label, onClick }, icon(glyph));
    const view: CardView = {
      el: h('li', { class: 'card', 'data-testid': 'card', 'data-card-id': id }),
      title,
      up: button('Move up', 'up', () => a.moveCard(id, -1)),
      down: button('Move down', 'down', () => a.moveCard(id, 1)),
      left: button('Move left', 'left', () => a.shiftCard(id, -1)),
      right: button('Move right', 'right', () => a.shiftCard(id, 1)),
    };
    view.el.append(
      title,
      h(
        'div',
        { class: 'card-actions', role: 'group', 'aria-label': 'Card actions' },
        view.up,
        view.down,
        view.left,
        view.right,
        h('span', { class: 'spacer' }),
        button('Delete card', 'trash', () => a.deleteCard(id), 'icon-btn danger'),
      ),
    );
    this.#cards.set(id, view);
    return view;
  }

  #restoreSelection(doc: Automerge.Doc<Board>): void {
    const held = this.#held;
    this.#held = undefined;
    if (held === undefined || document.activeElement !== held.field) return;
    try {
      const start = Automerge.getCursorPosition(doc, held.path, held.start);
      const end = Automerge.getCursorPosition(doc, held.path, held.end);
      held.field.setSelectionRange(start, end);
    } catch {
      // The text was deleted meanwhile (its card is gone): nothing to restore.
    }
  }

  #restoreFocus(active: Element | null): void {
    const next = this.#focusNext === undefined ? undefined : this.#cards.get(this.#focusNext);
    this.#focusNext = undefined;
    if (next !== undefined) {
      next.title.focus();
      return;
    }
    // Moving a card moves its element, which drops focus: keep it on the control that had it.
    if (active instanceof HTMLElement && active !== document.activeElement && active.isConnected) {
      if (active instanceof HTMLButtonElement && active.disabled) {
        const card = active.closest('.card');
        card?.querySelector<HTMLButtonElement>('.card-actions button:not(:disabled)')?.focus();
      } else {
        active.focus();
      }
    }
  }
}

/** Sets a field's text only when it differs, so a focused field keeps its caret. */
function setValue(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  if (field.value !== value) field.value = value;
}

function setMove(button: HTMLButtonElement, column: string | undefined): void {
  button.disabled = column === undefined;
  const label = `Move to ${column ?? 'another column'}`;
  if (button.title !== label) {
    button.title = label;
    button.setAttribute('aria-label', label);
  }
}

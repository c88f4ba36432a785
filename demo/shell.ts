import { isStoreError } from '../src/index.js';
import { h } from './dom.js';

/** What to tell people about an error, and what they can do. */
export interface Problem {
  /** The StoreError code behind it, when there is one. */
  code?: string;
  title: string;
  detail: string;
  action?: { label: string; run: () => void };
}

/**
 * Turns an error into words. larder rejects with a `StoreError` whose `code` says what happened;
 * the two a person can act on are a full disk and a newer tab holding the database.
 */
export function describeError(e: unknown, compact?: () => void): Problem {
  const reload = { label: 'Reload', run: () => location.reload() };
  if (isStoreError(e, 'quota-exceeded')) {
    return {
      code: e.code,
      title: 'Storage is full',
      detail:
        'This browser has no room left for the board. Your latest edits are kept in this tab and are saved as soon as there is space: compact the board, or free space in the browser’s site settings.',
      ...(compact === undefined ? {} : { action: { label: 'Compact now', run: compact } }),
    };
  }
  if (isStoreError(e, 'blocked')) {
    return {
      code: e.code,
      title: 'The board is open in a newer version',
      detail:
        'Another tab runs a newer version of this app and holds the storage. Close the other Larder Board tabs, then reload this one.',
      action: reload,
    };
  }
  if (isStoreError(e, 'closed')) {
    return {
      title: 'Storage closed',
      detail: 'This tab lost its connection to the board’s storage. Reload to carry on.',
      action: reload,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { title: 'Something went wrong', detail: message || 'An unknown error.', action: reload };
}

/** The app's frame: save and network status, the error banner, a toast, the phone view switcher. */
export class Shell {
  readonly #app: HTMLElement;
  readonly #banner: HTMLElement;
  readonly #save: HTMLElement;
  readonly #network: HTMLElement;
  readonly #peers: HTMLElement;
  readonly #toast: HTMLElement;
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #problem: Problem | undefined;
  #dismissed: string | undefined;

  constructor() {
    this.#app = byId('app');
    this.#banner = byId('banner');
    this.#save = byId('save-status');
    this.#network = byId('network-status');
    this.#peers = byId('peer-status');
    this.#toast = byId('toast');
    const update = () => {
      this.#network.hidden = navigator.onLine;
    };
    addEventListener('online', update);
    addEventListener('offline', update);
    update();
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-view-button]')) {
      button.addEventListener('click', () => this.showView(button.dataset['viewButton'] ?? 'board'));
    }
  }

  /** Shows the board or the storage inspector (phones show one at a time). */
  showView(view: string): void {
    this.#app.dataset['view'] = view;
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-view-button]')) {
      button.setAttribute('aria-pressed', String(button.dataset['viewButton'] === view));
    }
  }

  /** Switches from the loading screen to the app. */
  ready(): void {
    this.#app.dataset['state'] = 'ready';
  }

  /** Replaces the app with an error screen: it could not start. */
  fatal(problem: Problem): void {
    this.#app.dataset['state'] = 'error';
    const screen = byId('fatal');
    screen.replaceChildren(
      h('h1', {}, problem.title),
      h('p', {}, problem.detail),
      problem.action === undefined
        ? ''
        : h(
            'button',
            { class: 'btn primary', type: 'button', onClick: problem.action.run },
            problem.action.label,
          ),
    );
  }

  /** Shows a problem in the banner, or clears it. A kind of problem dismissed stays dismissed. */
  showProblem(problem: Problem | undefined): void {
    if (problem?.code !== undefined && problem.code === this.#dismissed) return;
    this.#problem = problem;
    this.#banner.hidden = problem === undefined;
    if (problem === undefined) return this.#banner.replaceChildren();
    this.#banner.replaceChildren(
      h('div', { class: 'banner-text' }, h('strong', {}, problem.title), h('p', {}, problem.detail)),
      problem.action === undefined
        ? ''
        : h('button', { class: 'btn', type: 'button', onClick: problem.action.run }, problem.action.label),
      h(
        'button',
        {
          class: 'btn ghost',
          type: 'button',
          onClick: () => {
            this.#dismissed = problem.code;
            this.showProblem(undefined);
          },
        },
        'Dismiss',
      ),
    );
  }

  /** Clears the problem on show and forgets dismissals: the trouble is over. */
  resolveProblem(): void {
    this.#dismissed = undefined;
    this.showProblem(undefined);
  }

  /** The problem on show, if any. */
  get problem(): Problem | undefined {
    return this.#problem;
  }

  /** Shows whether everything typed is on disk. */
  showSaveState(state: 'saved' | 'saving' | 'failed'): void {
    this.#save.dataset['state'] = state;
    this.#save.textContent = { saved: 'Saved', saving: 'Saving…', failed: 'Not saved' }[state];
  }

  /** Shows how many other tabs are connected. */
  showPeers(count: number): void {
    this.#peers.hidden = count === 0;
    this.#peers.textContent = `${count} other ${count === 1 ? 'tab' : 'tabs'}`;
  }

  /** Shows a short message with an optional action, for a few seconds. */
  toast(text: string, action?: { label: string; run: () => void }): void {
    if (this.#toastTimer !== undefined) clearTimeout(this.#toastTimer);
    const hide = () => {
      this.#toast.hidden = true;
    };
    this.#toast.replaceChildren(
      h('span', {}, text),
      action === undefined
        ? ''
        : h(
            'button',
            { class: 'btn ghost', type: 'button', onClick: () => (hide(), action.run()) },
            action.label,
          ),
    );
    this.#toast.hidden = false;
    this.#toastTimer = setTimeout(hide, 6000);
  }
}

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el;
}

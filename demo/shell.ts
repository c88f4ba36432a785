import { isStoreError } from '../src/index.js';
import { h } from './dom.js';
import { BackupBeforeResetError } from './reset-board.js';

/** What to tell people about an error, and what they can do. */
export interface Problem {
  /** The StoreError code behind it, when there is one. */
  code?: string;
  title: string;
  detail: string;
  action?: { label: string; run: () => void };
  /** The error's own message, for a "technical details" disclosure: people can pass it on. */
  technical?: string;
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
  if (isStoreError(e, 'engine-lost')) {
    return {
      code: e.code,
      title: 'The board’s storage stopped',
      detail:
        'This browser stopped the part of the app that saves the board, or would not start it. Edits you see as saved are on this device.',
      action: reload,
      technical: message,
    };
  }
  if (isStoreError(e, 'storage-lost')) {
    return {
      code: e.code,
      title: 'The board’s data was cleared',
      detail:
        'The browser’s data for this site was deleted while the board was open, so the board starts empty. A backup file brings it back.',
      action: reload,
      technical: message,
    };
  }
  return {
    title: 'Something went wrong',
    detail: message || 'An unknown error.',
    action: reload,
    technical: message,
  };
}

/**
 * Backs the board up and deletes it (`backUp` false: deletes it without a backup); rejects with
 * a {@link BackupBeforeResetError} when the backup failed and nothing was deleted.
 */
export type ResetAction = (backUp: boolean) => Promise<void>;

/**
 * The error screen's way out when nothing else helps: back up and reset the board. A backup
 * that fails is said, and only then is a reset without one offered.
 */
function resetSection(reset: ResetAction): HTMLElement {
  const status = h('p', { class: 'note', role: 'status', 'data-testid': 'reset-status' });
  const section = h(
    'div',
    { class: 'reset', 'data-testid': 'reset' },
    h(
      'p',
      { class: 'muted' },
      'If the board keeps failing to open, start over: a backup file of everything stored is downloaded first, and can be imported later.',
    ),
  );
  const run = async (backUp: boolean, button: HTMLButtonElement) => {
    button.disabled = true;
    status.textContent = backUp ? 'Backing up…' : 'Resetting…';
    try {
      await reset(backUp);
      status.textContent = 'Reset. Starting an empty board…';
      location.reload();
    } catch (e) {
      button.disabled = false;
      if (e instanceof BackupBeforeResetError) {
        status.textContent = `The backup failed, so nothing was deleted: ${e.message}`;
        if (section.querySelector('[data-without-backup]') === null) section.append(withoutBackup);
      } else {
        status.textContent = `The reset failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  };
  const withBackup: HTMLButtonElement = h(
    'button',
    { class: 'btn', type: 'button', onClick: () => void run(true, withBackup) },
    'Back up and reset this board',
  );
  const withoutBackup: HTMLButtonElement = h(
    'button',
    {
      class: 'btn danger',
      type: 'button',
      'data-without-backup': true,
      onClick: () => void run(false, withoutBackup),
    },
    'Reset without a backup',
  );
  section.append(withBackup, status);
  return section;
}

/** Remembers, across the reload that the error screen's button starts, which error it was. */
const RETRIED_KEY = 'larder-demo/retried-error';

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

  /**
   * Replaces the app with an error screen: it could not start. Its button reloads once; when the
   * same error comes back right after that reload, reloading again would only loop, so the
   * screen says what else to try instead of offering the button again.
   */
  fatal(problem: Problem, reset?: ResetAction): void {
    this.#app.dataset['state'] = 'error';
    const screen = byId('fatal');
    // An error with no code of its own is a browser's or a library's: its message is for the
    // technical details, not for the screen.
    if (problem.code === undefined && problem.technical !== undefined) {
      problem = {
        ...problem,
        title: 'The board could not open',
        detail: 'Something in this browser stopped it.',
      };
    }
    const signature = `${problem.title}\n${problem.technical ?? problem.detail}`;
    const retried = sessionStorage.getItem(RETRIED_KEY) === signature;
    sessionStorage.removeItem(RETRIED_KEY);
    const action = problem.action;
    screen.dataset['retried'] = String(retried);
    screen.replaceChildren(
      h('h1', {}, problem.title),
      h('p', {}, problem.detail),
      retried
        ? h(
            'p',
            { class: 'muted', 'data-testid': 'fatal-hint' },
            'Reloading did not help. Close the other tabs of this board, check that this browser allows sites to store data (private windows may not), then open the board again.',
          )
        : '',
      action === undefined || retried
        ? ''
        : h(
            'button',
            {
              class: 'btn primary',
              type: 'button',
              onClick: () => {
                sessionStorage.setItem(RETRIED_KEY, signature);
                action.run();
              },
            },
            action.label,
          ),
      problem.technical === undefined
        ? ''
        : h(
            'details',
            { class: 'technical' },
            h('summary', {}, 'Technical details'),
            h('code', {}, problem.technical),
          ),
      reset === undefined ? '' : resetSection(reset),
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

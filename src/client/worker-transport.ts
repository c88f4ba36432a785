import { releaseProxy, transfer, transferHandlers, wrap, type Endpoint, type Remote } from 'comlink';
import type {
  EngineApi,
  EngineEvent,
  EngineHost,
  EngineListener,
  OpenRequest,
  WireError,
} from '../protocol.js';
import { databaseName } from '../engine/database-name.js';
import type { MarkTransfer } from '../engine/transfer.js';
import { fromWireError, isStoreErrorCode, StoreError, toStoreError, toWireError } from '../store-error.js';

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

let installed = false;

/**
 * Decorates Comlink's built-in "throw" handler so a {@link StoreError} crosses with its `code`
 * and `cause`: by default only `name`, `message` and `stack` cross and `instanceof` fails.
 * Idempotent; called by the host and client factories rather than at import time.
 */
export function installStoreErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw');
  if (base === undefined) return;
  transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown) {
      // Everything an engine throws crosses as a StoreError, with its cause: the client counts
      // on that to tell engine failures from errors its caller's values throw.
      const value = toStoreError((thrown as { value: unknown }).value);
      const serialized: SerializedThrow = {
        isError: true,
        value: { ...toWireError(value), stack: value.stack },
      };
      return [serialized, []];
    },
    deserialize(serialized) {
      const s = serialized as SerializedThrow;
      const v = s.value as Partial<WireError> | undefined;
      if (s.isError && isStoreErrorCode(v?.code)) throw fromWireError(v as WireError);
      return base.deserialize(serialized);
    },
  });
}

/** The Comlink mark for transfer, as the engine and clients expect it. */
export const markTransfer: MarkTransfer = (value, transferables) => transfer(value, transferables);

/** An engine reached across a worker boundary, and how to let go of it. */
export interface RemoteEngine {
  /** The engine; every call rejects with the loss error once the engine is lost. */
  api: EngineApi;
  /** Lets go of the engine after it closed; terminates a worker the kit started. */
  dispose(): void;
}

/** How to reach a remote engine and what to tell the client. */
export interface RemoteOptions {
  /** A caller's Worker or MessagePort; omitted, the kit starts a module Worker. */
  endpoint?: Worker | MessagePort | undefined;
  /** How long the worker may take to start serving. */
  startTimeoutMs: number;
  /** Receives the engine's events. */
  listener: EngineListener;
  /** Called once if the engine is lost (failed to start, or died), with the error. */
  onLost(error: StoreError): void;
}

/**
 * Opens an engine in a worker and watches it for its whole life: a worker that fails to load
 * (404, a parse error, refused by CSP), never starts serving, or dies later makes every pending
 * and later call reject with 'engine-lost' rather than hang.
 *
 * @param name - the store name.
 * @param request - what the engine needs to open.
 * @param options - where the engine runs, and whom to tell.
 * @throws {@link StoreError} code 'engine-lost' when the worker does not start serving.
 */
export async function openRemoteEngine(
  name: string,
  request: OpenRequest,
  options: RemoteOptions,
): Promise<RemoteEngine> {
  installStoreErrorTransfer();
  const life = new Lifeline(options.onLost);
  let owned: Worker | undefined;
  if (options.endpoint === undefined) {
    try {
      // The literal `new Worker(new URL(..., import.meta.url), { type: 'module' })` is the
      // pattern that Vite, webpack 5, Rollup and esbuild plugins recognise to bundle a worker.
      owned = new Worker(new URL('../../workers/larder.worker.js', import.meta.url), {
        type: 'module',
        name: 'larder',
      });
    } catch (e) {
      // A CSP that refuses workers may throw here (a SecurityError) rather than fire `error`.
      throw new StoreError('engine-lost', `The larder worker could not be created: ${String(e)}`, {
        cause: e,
      });
    }
  }
  const worker = owned ?? (options.endpoint instanceof Worker ? options.endpoint : undefined);
  const onError = (event: Event) => {
    const detail = (event as ErrorEvent).message;
    life.lose(`The larder worker failed${detail ? `: ${detail}` : ' to load or run (see the console)'}`);
  };
  worker?.addEventListener('error', onError);
  const host = owned === undefined ? callerHost(options.endpoint as Endpoint) : wrap<EngineHost>(owned);
  // The engine's events, one way (see EngineHost.open). An event that trails close() is dropped
  // with the port: the store has settled its receipts by then (StoreClient.close).
  const events = new MessageChannel();
  events.port1.onmessage = (e: MessageEvent<EngineEvent>) => options.listener(e.data);
  // Releasing a host sends Comlink's RELEASE, which stops the other side from serving at all:
  // right for the kit's own worker (terminated anyway), wrong for a caller's shared endpoint.
  const release = () => {
    worker?.removeEventListener('error', onError);
    events.port1.onmessage = null;
    events.port1.close();
    life.end();
    if (owned !== undefined) {
      host[releaseProxy]();
      owned.terminate();
    }
  };
  const lifeLock = life.lockName(databaseName(name));
  let engine: Remote<EngineApi>;
  try {
    const opening = host.open(
      name,
      { ...request, ...(lifeLock ? { lifeLock } : {}) },
      transfer(events.port2, [events.port2]),
    );
    engine = (await life.race(withTimeout(opening, options.startTimeoutMs))) as unknown as Remote<EngineApi>;
  } catch (e) {
    release();
    throw e;
  }
  if (lifeLock !== undefined) life.watch(lifeLock, () => engine.stats());
  return {
    api: life.guard(engine) as EngineApi,
    dispose() {
      engine[releaseProxy]();
      release();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new StoreError(
            'engine-lost',
            `The larder worker did not start serving within ${ms} ms: does it run the kit's worker entry?`,
          ),
        ),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

let lifeLocks = 0;

/** How long the answer to close() may trail the release of the engine's lock. */
const CLOSE_ANSWER_MS = 1000;

/** How long a worker whose lock was let go has to prove it is alive. */
const PING_MS = 1000;

/**
 * The life of one remote engine: whether it was lost, and every call raced against that.
 *
 * @remarks
 * A worker that calls `self.close()`, crashes or is terminated fires nothing on its `Worker`
 * object, and messages to it vanish. So the engine holds a Web Lock for as long as it lives
 * and the client asks for the same lock: the browser grants it only when the engine's context
 * is gone. Without Web Locks, only the worker's `error` event is watched.
 */
class Lifeline {
  readonly #onLost: (error: StoreError) => void;
  #error: StoreError | undefined;
  #rejectLost: ((e: StoreError) => void) | undefined;
  readonly #lost: Promise<never>;
  readonly #watching = new AbortController();
  #ended = false;
  #closing = false;

  constructor(onLost: (error: StoreError) => void) {
    this.#onLost = onLost;
    this.#lost = new Promise<never>((_, reject) => (this.#rejectLost = reject));
    this.#lost.catch(() => undefined);
  }

  /**
   * A lock name unique to this engine, when Web Locks exist; it starts with the database name
   * so that deleteStore can tell who holds a database.
   */
  lockName(database: string): string | undefined {
    if (typeof navigator === 'undefined' || navigator.locks === undefined) return undefined;
    lifeLocks += 1;
    return `larder:life:${database}:${crypto.randomUUID()}:${lifeLocks}`;
  }

  /**
   * Asks for the engine's lock: granted once the engine is gone.
   *
   * @param name - the engine's lock.
   * @param ping - a call any live engine answers (with a result or an error).
   */
  watch(name: string, ping: () => Promise<unknown>): void {
    navigator.locks
      .request(name, { signal: this.#watching.signal }, () => {
        const message = 'The larder worker stopped (it crashed, was terminated or closed itself)';
        // A closing engine lets go of its lock as it finishes, and the lock can be granted
        // here before the answer to close() arrives: give that answer a moment.
        if (this.#closing) {
          setTimeout(() => this.lose(message), CLOSE_ANSWER_MS);
          return;
        }
        // A grant is not proof: after "clear site data" Chromium drops the origin's locks
        // under a live page. Only a worker that does not answer is dead.
        const timer = setTimeout(() => this.lose(message), PING_MS);
        ping().then(
          () => clearTimeout(timer),
          () => clearTimeout(timer),
        );
      })
      .catch(() => undefined);
  }

  /** Notes that the client asked the engine to close. */
  closing(): void {
    this.#closing = true;
  }

  /** Marks the engine lost, rejecting every pending call. */
  lose(message: string): void {
    if (this.#error !== undefined || this.#ended) return;
    this.#error = new StoreError('engine-lost', message);
    this.#rejectLost?.(this.#error);
    this.#onLost(this.#error);
  }

  /** Stops watching: the engine is being closed on purpose. */
  end(): void {
    this.#ended = true;
    this.#watching.abort();
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return Promise.race([promise, this.#lost]);
  }

  /** Wraps a Comlink remote so that every call races the engine's loss. */
  guard(remote: unknown, path = ''): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const life = this;
    return new Proxy(function () {}, {
      get(_target, prop) {
        // Not a thenable: `await`ing a part must not send a GET to the worker.
        if (prop === 'then') return undefined;
        return life.guard((remote as Record<string | symbol, unknown>)[prop], `${path}/${String(prop)}`);
      },
      apply(_target, _this, args: unknown[]) {
        if (path === '/close') life.closing();
        return life.race((remote as (...a: unknown[]) => Promise<unknown>)(...args));
      },
    });
  }
}

/** One host proxy per caller endpoint, however many stores it serves. */
const callerHosts = new WeakMap<Endpoint, Remote<EngineHost>>();

function callerHost(endpoint: Endpoint): Remote<EngineHost> {
  let host = callerHosts.get(endpoint);
  if (host === undefined) {
    host = wrap<EngineHost>(endpoint);
    callerHosts.set(endpoint, host);
  }
  return host;
}

import { releaseProxy, transfer, transferHandlers, wrap, type Endpoint, type Remote } from 'comlink';
import type { EngineApi, EngineOptions } from '../engine/engine-api.js';
import type { MarkTransfer } from '../engine/transfer.js';
import { isStoreErrorCode, StoreError } from '../store-error.js';

/** What the kit's worker entry exposes: a factory of engines, one per opened store. */
export interface EngineHost {
  open(name: string, options: EngineOptions): EngineApi;
}

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

let installed = false;

/**
 * Decorates Comlink's built-in "throw" handler so a {@link StoreError} crosses with its `code`:
 * by default only `name`, `message` and `stack` cross and `instanceof` fails. Idempotent; called
 * by the host and client factories rather than at import time.
 */
export function installStoreErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw');
  if (base === undefined) return;
  transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown) {
      const { value } = thrown as { value: unknown };
      if (value instanceof StoreError) {
        const serialized: SerializedThrow = {
          isError: true,
          value: { name: value.name, message: value.message, stack: value.stack, code: value.code },
        };
        return [serialized, []];
      }
      return base.serialize(thrown);
    },
    deserialize(serialized) {
      const s = serialized as SerializedThrow;
      const v = s.value as { code?: unknown; message?: string } | undefined;
      if (s.isError && isStoreErrorCode(v?.code)) {
        throw new StoreError(v.code, v.message ?? 'StoreError');
      }
      return base.deserialize(serialized);
    },
  });
}

/** The Comlink mark for transfer, as the engine and clients expect it. */
export const markTransfer: MarkTransfer = (value, transferables) => transfer(value, transferables);

/** An engine reached across a worker boundary, and how to let go of it. */
export interface RemoteEngine {
  api: EngineApi;
  dispose(): void;
}

/**
 * Opens an engine in a worker: the kit's own (default), or a Worker or MessagePort that the
 * caller started running the kit's worker entry.
 *
 * @param name - the store name.
 * @param options - engine options.
 * @param endpoint - a caller's Worker or MessagePort; omitted, the kit starts a module Worker.
 */
export async function openRemoteEngine(
  name: string,
  options: EngineOptions,
  endpoint?: Worker | MessagePort,
): Promise<RemoteEngine> {
  installStoreErrorTransfer();
  // The literal `new Worker(new URL(..., import.meta.url), { type: 'module' })` is the pattern
  // that Vite, webpack 5, Rollup and esbuild plugins recognise to bundle a worker unconfigured.
  const owned =
    endpoint === undefined
      ? new Worker(new URL('../../workers/larder.worker.js', import.meta.url), {
          type: 'module',
          name: 'larder',
        })
      : undefined;
  const host = owned === undefined ? callerHost(endpoint as Endpoint) : wrap<EngineHost>(owned);
  // Releasing a host sends Comlink's RELEASE, which stops the other side from serving at all:
  // right for the kit's own worker (terminated anyway), wrong for a caller's shared endpoint.
  const release = () => {
    if (owned !== undefined) {
      host[releaseProxy]();
      owned.terminate();
    }
  };
  let engine: Remote<EngineApi>;
  try {
    engine = (await host.open(name, options)) as unknown as Remote<EngineApi>;
  } catch (e) {
    release();
    throw e;
  }
  return {
    api: engine as unknown as EngineApi,
    dispose() {
      engine[releaseProxy]();
      release();
    },
  };
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

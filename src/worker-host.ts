import { expose, proxy, transfer, type Endpoint } from 'comlink';
import { installStoreErrorTransfer, type EngineHost } from './client/worker-transport.js';
import { Engine } from './engine/engine.js';

/**
 * Serves larder engines to the other side of `endpoint`: the body of the kit's worker entry,
 * and of any worker or MessagePort a caller starts for `openStore(name, { engine })`.
 *
 * @param endpoint - the worker's global scope or a MessagePort.
 * @example
 * ```ts
 * // my-worker.ts
 * import { serveEngine } from 'larder-kit';
 * serveEngine(self);
 * ```
 */
export function serveEngine(endpoint: Endpoint): void {
  installStoreErrorTransfer();
  const host: EngineHost = {
    open: (name, options) => proxy(new Engine(name, options, transfer)),
  };
  expose(host, endpoint);
}

import { expose, proxy, transfer, type Endpoint } from 'comlink';
import { installStoreErrorTransfer } from './client/worker-transport.js';
import { Engine } from './engine/engine.js';
import type { EngineApi, EngineEvent, EngineHost, OpenRequest } from './protocol.js';

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
    async open(name: string, request: OpenRequest, events: MessagePort): Promise<EngineApi> {
      // Posted to a client that has gone, an event is dropped.
      const engine = new Engine(name, request, transfer, (event: EngineEvent) => events.postMessage(event));
      // Opened now rather than on the client's open() call, a round trip later: the database
      // opens while the life lock is taken and the answer travels. open() then finds it open,
      // or opening; a failure here is the one that call reports.
      engine.open().catch(() => undefined);
      if (request.lifeLock !== undefined && typeof navigator !== 'undefined' && navigator.locks) {
        await holdUntilClosed(request.lifeLock, engine);
      }
      return proxy(engine);
    },
  };
  expose(host, endpoint);
}

/**
 * Holds the Web Lock `name` until `engine` closes, resolving once it is held: while it is
 * held, the client knows the engine is alive (see worker-transport.ts).
 */
function holdUntilClosed(name: string, engine: Engine): Promise<void> {
  return new Promise((held) => {
    void navigator.locks.request(name, async () => {
      held();
      await engine.closed;
    });
  });
}

import type { Table } from '../contracts/log-tracker.js';
import type { LogTrackerEngineApi } from '../engine/log-tracker-engine.js';
import type { ClientContext } from './client-context.js';
import { checkKey } from './validate.js';

/**
 * Creates the read side of the app table `name` over an engine, inline or remote.
 *
 * @param api - the engine's log-tracker side, which owns the tables.
 * @param name - the table's name.
 * @param ctx - the store's client context.
 * @param subscribe - the store's change feed of this table.
 */
export function createTableClient(
  api: LogTrackerEngineApi,
  name: string,
  ctx: ClientContext,
  subscribe: Table['subscribe'],
): Table {
  return {
    subscribe,
    get: (key) =>
      ctx.call(async () => {
        checkKey(key, 'key');
        return api.tableGet(name, key);
      }),

    getAll: () => ctx.call(() => api.tableGetAll(name)),
  };
}

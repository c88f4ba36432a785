/**
 * `larder-kit/automerge-repo`: automerge-repo's `StorageAdapterInterface` on a larder store's key
 * space. `@automerge/automerge-repo` is an optional peer dependency, used for its types only;
 * larder's core entry never imports this module.
 *
 * @example
 * ```ts
 * import { LarderStorageAdapter } from 'larder-kit/automerge-repo';
 * const repo = new Repo({ storage: await LarderStorageAdapter.open('my-app') });
 * ```
 *
 * @packageDocumentation
 * @module larder-kit/automerge-repo
 */
export {
  DEFAULT_SPACE,
  LarderStorageAdapter,
  type LarderStorageAdapterOptions,
} from './larder-storage-adapter.js';

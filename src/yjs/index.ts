/**
 * `larder-kit/yjs`: Yjs documents in a larder store, a drop-in for y-indexeddb's
 * `IndexeddbPersistence`. `yjs` is a peer dependency; larder's core entry never imports it.
 *
 * @example
 * ```ts
 * import { LarderPersistence as IndexeddbPersistence } from 'larder-kit/yjs';
 * ```
 *
 * @packageDocumentation
 * @module larder-kit/yjs
 */
export { LarderPersistence, type LarderPersistenceEvents } from './larder-persistence.js';
export type { LarderPersistenceOptions } from './larder-persistence-options.js';
export { clearDocument } from './clear-document.js';
export type { MetaKey } from './metadata-codec.js';

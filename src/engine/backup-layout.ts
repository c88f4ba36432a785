import type { StoreName } from './schema.js';

/**
 * The object stores a backup holds, in the order it holds them: every contract's data. Not
 * `meta` (the database's own storage id, and the op clock, which an import raises instead) nor
 * `usage` (counters, which an import recounts). Dependency-free, so the client can check a
 * backup without loading the engine.
 */
export const BACKUP_STORES = [
  'changes',
  'documents',
  'syncStates',
  'consensus',
  'consensusKeys',
  'logState',
  'logEntries',
  'tables',
  'ops',
  'opData',
  'sliceHashes',
  'keyValues',
] as const satisfies readonly StoreName[];

/** A store a backup holds. */
export type BackupStore = (typeof BACKUP_STORES)[number];

/** The stores whose records hold their own key (a key path): a backup omits their keys. */
export const INLINE_KEY_STORES: ReadonlySet<string> = new Set<BackupStore>(['changes', 'keyValues']);

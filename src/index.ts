/**
 * larder: a browser-first, local-first storage kit. Five storage contracts on one IndexedDB
 * engine that runs in a Web Worker.
 *
 * @packageDocumentation
 * @module larder-kit
 */
export { openStore, deleteStore } from './open-store.js';
export { serveEngine } from './worker-host.js';
export { StoreError, isStoreError, type StoreErrorCode } from './store-error.js';
export type {
  Durability,
  CorruptChanges,
  CorruptDocument,
  CorruptKeyValue,
  CorruptRecord,
  CorruptSyncState,
  LostWrite,
  SaveStatus,
  Store,
  StoreEvents,
  StoreOptions,
  StoreStats,
  WriteReceipt,
} from './contracts/store.js';
export type { KeyEntry, KeyPath, KeyRangeOptions, KeySpace } from './contracts/key-space.js';
export type {
  ConsensusChange,
  DocumentChange,
  GrowthChange,
  KeySpaceChange,
  LogStateChange,
  StoreChange,
  Unsubscribe,
} from './contracts/change-feed.js';
export type { HeldLease, Lease, LeaseOptions, LeaseState } from './contracts/lease.js';
export type { StorageHealth, StoredUsage } from './contracts/storage-health.js';
export type { BackupSource, ImportOptions, ImportResult } from './contracts/backup.js';
export type { Persister, StoredSizes } from './contracts/persister.js';
export type { Consensus, CaSResult, VersionedData } from './contracts/consensus.js';
export type { LogStatePersistence, LogStateReadOps, LogStateWriteOps } from './contracts/log-state.js';
export type { Batch, DecodedEntry, LogTracker, Table } from './contracts/log-tracker.js';
export type { DhtArc, MetaOp, OpStore, OpStoreOptions } from './contracts/op-store.js';
export { opIdLoc, arcContains } from './op-location.js';

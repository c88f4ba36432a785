import { crc32Of } from '../crc32.js';
import { chunkProblem } from './change-chunks.js';

// The checksums of the Persister's documents and sync states and of key-space values, as
// change-chunks.ts has them for chunks. Each covers the record's key too, so a record moved
// under another key fails. Free of idb and of the engine, so that the client checks backups
// with it.

/**
 * A stored document or sync state: its bytes and their CRC-32. Records written before larder
 * kept checksums are the bare `Uint8Array`, which still reads.
 */
export interface SealedBytes {
  bytes: Uint8Array;
  crc: number;
}

/** A stored key-space record; `key` is the object store's key path: `[space, ...key]`. */
export interface KeyRecord {
  key: string[];
  data: Uint8Array;
  written: number;
  /** CRC-32 of `key`, `written` and `data`; records from before checksums have none. */
  crc?: number;
}

/** What a check of a stored record found: its bytes, or what is wrong with it. */
export type Checked = { bytes: Uint8Array; problem?: undefined } | { bytes?: undefined; problem: string };

const CHECKSUM_MISMATCH = 'its checksum does not match its content';
function crcOf(label: unknown, ...bytes: Uint8Array[]): number {
  return crc32Of([JSON.stringify(label), ...bytes]);
}

function documentCrc(docId: string, bytes: Uint8Array): number {
  return crcOf(['document', docId], bytes);
}

function syncStateCrc(docId: string, peer: Uint8Array, bytes: Uint8Array): number {
  // The peer's length in the label tells where its bytes end and the state's begin.
  return crcOf(['sync-state', docId, peer.byteLength], peer, bytes);
}

function keyValueCrc(key: readonly string[], written: number, data: Uint8Array): number {
  return crcOf(['key-value', key, written], data);
}

/** The record that stores `bytes` as the document of `docId`. */
export function sealDocument(docId: string, bytes: Uint8Array): SealedBytes {
  return { bytes, crc: documentCrc(docId, bytes) };
}

/** The record that stores `bytes` as the sync state of `peer` in `docId`. */
export function sealSyncState(docId: string, peer: Uint8Array, bytes: Uint8Array): SealedBytes {
  return { bytes, crc: syncStateCrc(docId, peer, bytes) };
}

/** The record that stores `data` under `key` (`[space, ...path]`), written at `written`. */
export function sealKeyValue(key: string[], data: Uint8Array, written: number): KeyRecord {
  return { key, data, written, crc: keyValueCrc(key, written, data) };
}

/** Checks a stored `documents` record of `docId`. */
export function checkDocument(docId: string, value: unknown): Checked {
  return checkSealed(value, (bytes) => documentCrc(docId, bytes));
}

/** Checks a stored `syncStates` record of `peer` in `docId`. */
export function checkSyncState(docId: string, peer: Uint8Array, value: unknown): Checked {
  return checkSealed(value, (bytes) => syncStateCrc(docId, peer, bytes));
}

function checkSealed(value: unknown, crc: (bytes: Uint8Array) => number): Checked {
  // The shape every larder before checksums wrote.
  if (value instanceof Uint8Array) return { bytes: value };
  const v = value as Partial<SealedBytes> | null;
  if (typeof v !== 'object' || v === null || !(v.bytes instanceof Uint8Array) || typeof v.crc !== 'number') {
    return { problem: 'fields are missing or of the wrong type' };
  }
  return v.crc === crc(v.bytes) ? { bytes: v.bytes } : { problem: CHECKSUM_MISMATCH };
}

/** What is wrong with a stored `keyValues` record, or `undefined` when it is sound. */
export function keyValueProblem(value: unknown): string | undefined {
  const v = value as Partial<KeyRecord> | null;
  const typed =
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.key) &&
    v.key.length >= 2 &&
    v.key.every((p) => typeof p === 'string') &&
    v.data instanceof Uint8Array &&
    typeof v.written === 'number' &&
    (v.crc === undefined || typeof v.crc === 'number');
  if (!typed) return 'fields are missing or of the wrong type';
  const r = value as KeyRecord;
  if (r.crc !== undefined && r.crc !== keyValueCrc(r.key, r.written, r.data)) return CHECKSUM_MISMATCH;
  return undefined;
}

/**
 * The bytes a stored document or sync state holds, whichever its shape, for counting: 0 for a
 * record that is neither.
 */
export function storedByteLength(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  const bytes = (value as Partial<SealedBytes> | null)?.bytes;
  return bytes instanceof Uint8Array ? bytes.byteLength : 0;
}

/**
 * What is wrong with a stored record of a store whose records carry a check (`changes`,
 * `documents`, `syncStates`, `keyValues`), or `undefined`: a backup leaves such a record out,
 * and an import refuses it.
 *
 * @param key - its key, `undefined` in a store of inline keys.
 */
export function recordProblem(store: string, key: unknown, value: unknown): string | undefined {
  switch (store) {
    case 'changes':
      return chunkProblem(value);
    case 'documents':
      return checkDocument(key as string, value).problem;
    case 'syncStates': {
      const [docId, peer] = key as [string, ArrayBuffer];
      return checkSyncState(docId, new Uint8Array(peer), value).problem;
    }
    case 'keyValues':
      return keyValueProblem(value);
    default:
      return undefined;
  }
}

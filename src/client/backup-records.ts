import type { BackupStore } from '../engine/backup-layout.js';
import { chunkProblem } from '../engine/change-chunks.js';
import { recordProblem } from '../engine/record-checksums.js';
import { damaged } from './backup-codec.js';

/** 16 hex digits: how counters (seqnos, entry indexes) are stored in keys. */
const U63 = /^[0-9a-f]{16}$/;

/**
 * Checks that a decoded record is what larder stores in `store`, so that an import never
 * writes a record that a read would choke on (a garbled or hand-made backup whose checksum was
 * recomputed).
 *
 * @throws {@link StoreError} code 'invalid-argument' otherwise.
 */
export function checkBackupRecord(store: BackupStore, key: unknown, value: unknown, line: number): void {
  const bad = (what: string) => damaged(`a ${store} record (line ${line}) with ${what}`);
  if (key !== undefined && !isKey(key)) throw bad('a key IndexedDB refuses');
  const v = value as Record<string, unknown>;
  const obj = typeof value === 'object' && value !== null;
  switch (store) {
    case 'changes': {
      const problem = chunkProblem(value);
      if (problem !== undefined) throw bad(`a chunk whose ${problem.replace(/^its /, '')}`);
      if (!Number.isSafeInteger(v['id']) || (v['id'] as number) <= 0) throw bad('a bad id');
      return;
    }
    case 'documents': {
      if (typeof key !== 'string') throw bad('a mistyped key');
      const problem = recordProblem(store, key, value);
      if (problem !== undefined) throw bad(`a document whose ${problem.replace(/^its /, '')}`);
      return;
    }
    case 'syncStates': {
      if (!isPair(key, 'bytes')) throw bad('a mistyped key');
      const problem = recordProblem(store, key, value);
      if (problem !== undefined) throw bad(`a sync state whose ${problem.replace(/^its /, '')}`);
      return;
    }
    case 'opData':
      if (!isPair(key, 'bytes') || !(value instanceof Uint8Array)) throw bad('a mistyped key or value');
      return;
    case 'consensus':
      if (!isPair(key, 'u63') || !(value instanceof Uint8Array)) throw bad('a mistyped key or value');
      return;
    case 'consensusKeys':
      if (typeof key !== 'string' || value !== true) throw bad('a mistyped key or value');
      return;
    case 'logState':
      if (
        typeof key !== 'string' ||
        !obj ||
        !(v['checkpoint'] instanceof Uint8Array) ||
        !Number.isSafeInteger(v['version'])
      ) {
        throw bad('a mistyped key or value');
      }
      return;
    case 'logEntries': {
      const k = key as unknown[];
      const ok =
        Array.isArray(k) &&
        k.length === 3 &&
        typeof k[0] === 'string' &&
        typeof k[1] === 'string' &&
        typeof k[2] === 'string' &&
        U63.test(k[2]) &&
        obj &&
        (v['kind'] === 'entry' || (v['kind'] === 'expunged' && v['hash'] instanceof Uint8Array));
      if (!ok) throw bad('a mistyped key or value');
      return;
    }
    case 'tables':
      if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string') throw bad('a mistyped key');
      return;
    case 'ops': {
      const k = key as unknown[];
      const ok =
        Array.isArray(k) &&
        k.length === 4 &&
        obj &&
        typeof v['space'] === 'string' &&
        v['id'] instanceof ArrayBuffer &&
        typeof v['loc'] === 'number' &&
        typeof v['createdAt'] === 'number' &&
        typeof v['storedAt'] === 'number' &&
        typeof v['size'] === 'number' &&
        k[0] === v['space'] &&
        k[1] === v['createdAt'] &&
        k[3] === v['size'];
      if (!ok) throw bad('a mistyped key or value');
      return;
    }
    case 'sliceHashes':
      if (!Array.isArray(key) || typeof key[0] !== 'string' || !(value instanceof Uint8Array)) {
        throw bad('a mistyped key or value');
      }
      return;
    case 'keyValues': {
      const k = v['key'] as unknown[];
      const ok =
        obj &&
        Array.isArray(k) &&
        k.length >= 2 &&
        k.every((p) => typeof p === 'string') &&
        v['data'] instanceof Uint8Array &&
        typeof v['written'] === 'number';
      if (!ok) throw bad('a mistyped key or value');
      const problem = recordProblem(store, key, value);
      if (problem !== undefined) throw bad(`a value whose ${problem.replace(/^its /, '')}`);
      return;
    }
  }
}

/** `[string, second]`: the keys of sync states and op data (bytes) or consensus versions. */
function isPair(key: unknown, second: 'bytes' | 'u63'): boolean {
  if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string') return false;
  return second === 'bytes' ? key[1] instanceof ArrayBuffer : typeof key[1] === 'string' && U63.test(key[1]);
}

function isKey(key: unknown): boolean {
  try {
    indexedDB.cmp(key, key);
    return true;
  } catch {
    return false;
  }
}

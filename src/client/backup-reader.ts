import { BACKUP_STORES, INLINE_KEY_STORES, type BackupStore } from '../engine/backup-layout.js';
import type { StoreRecords, StoreSnapshot } from '../engine/backup-engine.js';
import { StoreError } from '../store-error.js';
import { Crc32, damaged, decodeValue } from './backup-codec.js';
import { checkBackupRecord } from './backup-records.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, type BackupTrailer } from './backup-writer.js';

/**
 * Reads a whole backup and checks every part of it, decoding every record, before anything is
 * written: a file that is not a larder backup, of a newer format, truncated, damaged (a byte
 * changed), or whose records do not match its header is refused.
 *
 * @param source - the backup.
 * @param storeName - the store it is imported into.
 * @param acceptOtherStore - whether a backup of a store of another name may be imported.
 * @throws {@link StoreError} code 'invalid-argument', naming what is wrong.
 */
export async function readBackup(
  source: unknown,
  storeName: string,
  acceptOtherStore: boolean,
): Promise<{ header: BackupHeader; snapshot: StoreSnapshot }> {
  const bytes = await readAll(source);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notBackup('it is not text');
  }
  const firstEnd = text.indexOf('\n');
  const header = parseHeader(firstEnd < 0 ? text : text.slice(0, firstEnd));
  if (header.store !== storeName && !acceptOtherStore) {
    throw new StoreError(
      'invalid-argument',
      `This backup is of the store "${header.store}", not "${storeName}": pass { acceptOtherStore: true } to import it anyway`,
    );
  }
  // The trailer is the last line; without it the file was cut short.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lastStart = body.lastIndexOf('\n') + 1;
  const trailer = parseTrailer(body.slice(lastStart));
  const crc = new Crc32();
  crc.update(new TextEncoder().encode(text.slice(0, lastStart)));
  if (crc.value !== trailer.crc32) {
    throw new StoreError(
      'invalid-argument',
      'The backup is damaged: its checksum does not match its content',
    );
  }
  const lines = lastStart <= firstEnd + 1 ? [] : text.slice(firstEnd + 1, lastStart - 1).split('\n');
  if (lines.length !== trailer.records) {
    throw mismatch(`it holds ${lines.length} records where its end says ${trailer.records}`);
  }
  const byStore = new Map<BackupStore, StoreRecords>(
    BACKUP_STORES.map((name) => [name, { name, keys: [], values: [] }]),
  );
  lines.forEach((line, i) => {
    const { name, key, value } = parseRecord(line, i + 2);
    const records = byStore.get(name) as StoreRecords;
    if (!INLINE_KEY_STORES.has(name)) records.keys.push(key as IDBValidKey);
    records.values.push(value);
  });
  for (const [name, records] of byStore) {
    const expected = header.counts[name] ?? 0;
    if (records.values.length !== expected) {
      throw mismatch(
        `it holds ${records.values.length} records of ${name} where its header says ${expected}`,
      );
    }
  }
  return {
    header,
    snapshot: { schema: header.schema, storageId: header.storageId, stores: [...byStore.values()] },
  };
}

async function readAll(source: unknown): Promise<Uint8Array> {
  if (typeof source === 'string') return new TextEncoder().encode(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return new Uint8Array(await source.arrayBuffer());
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    try {
      return new Uint8Array(await new Response(source as ReadableStream<Uint8Array>).arrayBuffer());
    } catch (e) {
      throw new StoreError('invalid-argument', `The backup could not be read: ${String(e)}`, { cause: e });
    }
  }
  throw new StoreError(
    'invalid-argument',
    'source must be a Blob, a ReadableStream, a Uint8Array, an ArrayBuffer or a string',
  );
}

function parseHeader(line: string): BackupHeader {
  let h: Partial<BackupHeader> | null;
  try {
    h = JSON.parse(line) as Partial<BackupHeader> | null;
  } catch {
    throw notBackup('it does not start with a backup header');
  }
  if (typeof h !== 'object' || h === null || h.format !== BACKUP_FORMAT) {
    throw notBackup('it does not start with a backup header');
  }
  if (!Number.isSafeInteger(h.version) || (h.version as number) < 1) {
    throw damaged('a header with a malformed format version');
  }
  if ((h.version as number) > BACKUP_VERSION) {
    throw new StoreError(
      'invalid-argument',
      `This backup has format version ${String(h.version)}; this larder reads version ${BACKUP_VERSION}`,
    );
  }
  const counts = h.counts as unknown;
  if (
    typeof h.store !== 'string' ||
    typeof h.storageId !== 'string' ||
    typeof h.schema !== 'number' ||
    typeof counts !== 'object' ||
    counts === null ||
    !Object.entries(counts).every(
      ([name, n]) => (BACKUP_STORES as readonly string[]).includes(name) && Number.isSafeInteger(n) && n >= 0,
    )
  ) {
    throw damaged('a header with missing or malformed fields');
  }
  return h as BackupHeader;
}

function parseTrailer(line: string): BackupTrailer {
  let t: Partial<BackupTrailer> | null = null;
  try {
    t = JSON.parse(line) as Partial<BackupTrailer> | null;
  } catch {
    // Checked below.
  }
  if (typeof t !== 'object' || t === null || t.end !== BACKUP_FORMAT) {
    throw new StoreError('invalid-argument', 'The backup is truncated: it ends before its last line');
  }
  if (!Number.isSafeInteger(t.records) || typeof t.crc32 !== 'string') throw damaged('a malformed last line');
  return t as BackupTrailer;
}

function parseRecord(line: string, lineNumber: number): { name: BackupStore; key: unknown; value: unknown } {
  let parts: unknown;
  try {
    parts = JSON.parse(line);
  } catch {
    throw damaged(`a line (${lineNumber}) that is not JSON`);
  }
  if (!Array.isArray(parts) || typeof parts[0] !== 'string')
    throw damaged(`a malformed line (${lineNumber})`);
  const name = parts[0] as BackupStore;
  if (!(BACKUP_STORES as readonly string[]).includes(name))
    throw damaged(`records of an unknown kind "${name}"`);
  const inline = INLINE_KEY_STORES.has(name);
  if (parts.length !== (inline ? 2 : 3)) throw damaged(`a malformed line (${lineNumber})`);
  const key = inline ? undefined : decodeValue(parts[1]);
  const value = decodeValue(parts[inline ? 1 : 2]);
  checkBackupRecord(name, key, value, lineNumber);
  return { name, key, value };
}

function notBackup(why: string): StoreError {
  return new StoreError('invalid-argument', `This file is not a larder backup: ${why}`);
}

function mismatch(what: string): StoreError {
  return new StoreError('invalid-argument', `The backup does not match itself: ${what}`);
}

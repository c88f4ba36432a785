import type { StoreSnapshot } from '../engine/backup-engine.js';
import { INLINE_KEY_STORES } from '../engine/backup-layout.js';
import { Crc32, encodeValue } from './backup-codec.js';

/** The `format` of a backup's header line. */
export const BACKUP_FORMAT = 'larder-backup';
/** The format version this larder writes and reads. */
export const BACKUP_VERSION = 1;

/** The first line of a backup. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The name of the store it was taken from. */
  store: string;
  /** That store's storage id. */
  storageId: string;
  /** The schema version of the larder that wrote it. */
  schema: number;
  exportedAt: string;
  /** Records per object store, which the body must hold exactly. */
  counts: Record<string, number>;
}

/** The last line: how many records came before it, and the CRC-32 of every byte before it. */
export interface BackupTrailer {
  end: typeof BACKUP_FORMAT;
  records: number;
  crc32: string;
}

/** How many records one pull of the stream encodes. */
const RECORDS_PER_PULL = 256;

/**
 * Encodes a snapshot as a backup, one line of JSON per record, as a stream that encodes its
 * records as it is read.
 *
 * @param storeName - the store's name, recorded in the header.
 * @param snapshot - the store's records.
 */
export function backupStream(storeName: string, snapshot: StoreSnapshot): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const crc = new Crc32();
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    store: storeName,
    storageId: snapshot.storageId,
    schema: snapshot.schema,
    exportedAt: new Date().toISOString(),
    counts: Object.fromEntries(snapshot.stores.map((s) => [s.name, s.values.length])),
  };
  let storeIndex = 0;
  let recordIndex = 0;
  let records = 0;
  let started = false;
  const line = (value: unknown): Uint8Array => {
    const bytes = encoder.encode(`${JSON.stringify(value)}\n`);
    crc.update(bytes);
    return bytes;
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(line(header));
        return;
      }
      const parts: Uint8Array[] = [];
      while (parts.length < RECORDS_PER_PULL && storeIndex < snapshot.stores.length) {
        const { name, keys, values } = snapshot.stores[storeIndex] as StoreSnapshot['stores'][number];
        if (recordIndex >= values.length) {
          storeIndex += 1;
          recordIndex = 0;
          continue;
        }
        const where = `A record of ${name}`;
        const value = encodeValue(values[recordIndex], where);
        const record = INLINE_KEY_STORES.has(name)
          ? [name, value]
          : [name, encodeValue(keys[recordIndex], where), value];
        parts.push(line(record));
        recordIndex += 1;
        records += 1;
      }
      if (parts.length > 0) {
        controller.enqueue(concat(parts));
        return;
      }
      const trailer: BackupTrailer = { end: BACKUP_FORMAT, records, crc32: crc.value };
      controller.enqueue(encoder.encode(`${JSON.stringify(trailer)}\n`));
      controller.close();
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

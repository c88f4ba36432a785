/** The meta record that names a database: made when it is created, a tombstone once cleared. */
export const STORAGE_KEY = 'storage';

/** The value of the {@link STORAGE_KEY} record. */
export type StorageRecord = { id: string; createdAt: number } | { deleted: true };

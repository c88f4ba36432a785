/** How {@link Store.importBackup} treats a backup. */
export interface ImportOptions {
  /**
   * Import a backup taken from a store of another name (default false: such a backup is
   * refused, since importing it replaces this store's data with another app's or document's).
   */
  acceptOtherStore?: boolean;
}

/** What an import restored. */
export interface ImportResult {
  /** Records written, over every contract. */
  records: number;
  /** Where the backup came from, as its header says. */
  from: {
    /** The name of the store it was taken from. */
    store: string;
    /** That store's storage id. */
    storageId: string;
    /** When it was taken (ISO 8601). */
    exportedAt: string;
  };
}

/**
 * What an import accepts as a backup: the file a user picked, a stream (`response.body`), or
 * its bytes or text.
 */
export type BackupSource = Blob | ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer | string;

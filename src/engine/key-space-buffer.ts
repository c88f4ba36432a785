/** A buffered key-space write: `data` undefined means deleted. */
export interface KeyOp {
  /** The key path, without the space's name. */
  key: readonly string[];
  data: Uint8Array | undefined;
  /** When the write was made, by the engine's clock: orders a range read by write time. */
  written: number;
}

/** A map key for a key path: JSON of an array of strings is one string per path, and back. */
export function keyId(key: readonly string[]): string {
  return JSON.stringify(key);
}

/** Tells whether `key` starts with `prefix`, element by element (`[]` starts every key). */
export function isPrefix(prefix: readonly string[], key: readonly string[]): boolean {
  if (prefix.length > key.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== key[i]) return false;
  return true;
}

/**
 * Compares key paths in IndexedDB's order for arrays of strings: element by element, strings by
 * UTF-16 code units (as JavaScript's `<` does), and a path before every longer path it starts.
 */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * What one key space has buffered: puts and deletes by key, and prefix deletes.
 *
 * @remarks
 * A prefix delete supersedes every earlier buffered write under it, which it drops; writes made
 * after it stay. So what remains means "delete these prefixes, then write these keys", whatever
 * order the calls came in, and a commit (or a read's overlay) applies `ranges` before `entries`.
 */
export class KeySpaceBuffer {
  /** Puts and deletes by {@link keyId}: the last write of a key wins. */
  readonly entries = new Map<string, KeyOp>();
  /** Deleted prefixes, none of which starts with another (the shorter one covers it). */
  readonly ranges: (readonly string[])[] = [];

  /**
   * Buffers a put or delete.
   * @returns the change in bytes held.
   */
  set(op: KeyOp): number {
    const id = keyId(op.key);
    const before = this.entries.get(id)?.data?.byteLength ?? 0;
    this.entries.set(id, op);
    return (op.data?.byteLength ?? 0) - before;
  }

  /**
   * Buffers the delete of every key under `prefix`.
   * @returns the change in bytes held (the writes it dropped, negative).
   */
  deleteRange(prefix: readonly string[]): number {
    let freed = 0;
    for (const [id, op] of this.entries) {
      if (isPrefix(prefix, op.key)) {
        freed += op.data?.byteLength ?? 0;
        this.entries.delete(id);
      }
    }
    if (!this.ranges.some((r) => isPrefix(r, prefix))) {
      for (let i = this.ranges.length - 1; i >= 0; i--) {
        if (isPrefix(prefix, this.ranges[i] as string[])) this.ranges.splice(i, 1);
      }
      this.ranges.push(prefix);
    }
    return -freed;
  }

  /**
   * What this buffer says about `key`: its buffered write, `null` when a buffered prefix delete
   * removed it, `undefined` when the buffer does not touch it.
   */
  lookup(key: readonly string[]): KeyOp | null | undefined {
    const op = this.entries.get(keyId(key));
    if (op !== undefined) return op;
    return this.ranges.some((r) => isPrefix(r, key)) ? null : undefined;
  }
}

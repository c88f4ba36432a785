import type { KeyEntry, KeySpace } from '../contracts/key-space.js';

/**
 * Which stored updates of one document a provider has applied, and how many bytes they hold.
 *
 * @remarks
 * An update is stored under `[docName, 'u', writer, seq]`: `writer` is unique to a provider
 * instance (its creation time, then random), `seq` counts its writes. Keys never repeat, so a
 * compaction can delete exactly the keys it read and never one another tab wrote after its
 * read; and the time-ordered writer ids make a load apply updates mostly in causal order. An
 * update is named here by its `id`, `writer/seq`.
 */
export class UpdateLog {
  readonly #ks: KeySpace;
  readonly #doc: string;
  readonly #writer: string;
  #seq = 0;
  /** The ids of the stored updates this provider has applied or written, with their sizes. */
  readonly #known = new Map<string, number>();
  #bytes = 0;

  /**
   * @param ks - the key space the document lives in.
   * @param doc - the document's name.
   */
  constructor(ks: KeySpace, doc: string) {
    this.#ks = ks;
    this.#doc = doc;
    const random = crypto.getRandomValues(new Uint32Array(2));
    this.#writer = `${Date.now().toString(36).padStart(9, '0')}-${random[0]?.toString(36)}${random[1]?.toString(36)}`;
  }

  /** The prefix of every stored update of the document. */
  get prefix(): string[] {
    return [this.#doc, 'u'];
  }

  /** Bytes of the stored updates this provider knows of. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many stored updates this provider knows of. */
  get count(): number {
    return this.#known.size;
  }

  /**
   * Stores `update` under a new key (buffered).
   * @returns its id, and the key space's promise for the write.
   */
  append(update: Uint8Array): { id: string; written: Promise<void> } {
    const seq = (this.#seq++).toString(36).padStart(8, '0');
    const id = `${this.#writer}/${seq}`;
    const written = this.#ks.put([this.#doc, 'u', this.#writer, seq], update);
    this.#note(id, update.byteLength);
    return { id, written };
  }

  /**
   * Reads every stored update; forgets the ones that are gone (another tab compacted them)
   * unless this provider wrote them after the read started.
   * @returns the entries read, and those of them not applied yet, which now count as applied.
   */
  async readAll(): Promise<{ entries: KeyEntry[]; fresh: Uint8Array[] }> {
    const seqAtStart = this.#seq;
    const entries = await this.#ks.getRange(this.prefix);
    const present = new Set<string>();
    const fresh: Uint8Array[] = [];
    for (const { key, data } of entries) {
      const id = idOf(key);
      present.add(id);
      if (!this.#known.has(id)) {
        this.#note(id, data.byteLength);
        fresh.push(data);
      }
    }
    for (const id of this.#known.keys()) {
      if (present.has(id) || this.#isOwnSince(id, seqAtStart)) continue;
      this.#forget(id);
    }
    return { entries, fresh };
  }

  /**
   * Reads the updates `ids` that this provider has not applied yet, for a notice from another
   * tab. One that is gone was compacted: its content comes with the compactor's notice.
   * @returns the updates to apply, which now count as applied.
   */
  async fetch(ids: readonly string[]): Promise<Uint8Array[]> {
    const wanted = ids.filter((id) => !this.#known.has(id));
    const values = await Promise.all(wanted.map((id) => this.#ks.get(keyOf(this.#doc, id))));
    const fresh: Uint8Array[] = [];
    values.forEach((data, i) => {
      const id = wanted[i] as string;
      if (data === undefined || this.#known.has(id)) return;
      this.#note(id, data.byteLength);
      fresh.push(data);
    });
    return fresh;
  }

  /**
   * Records that the updates `replaced` were merged into `merged` (by this provider or another
   * tab's).
   * @returns true when this provider had applied every update merged, so that the merged one
   * holds nothing new for it.
   */
  replace(replaced: readonly string[], merged: string, bytes: number): boolean {
    let all = true;
    for (const id of replaced) {
      if (this.#known.has(id)) this.#forget(id);
      else all = false;
    }
    if (all) this.#note(merged, bytes);
    return all;
  }

  /** Writes `merged` and deletes exactly the entries `read`, the merged update first. */
  writeMerged(merged: Uint8Array, read: readonly KeyEntry[]): { id: string; written: Promise<unknown> } {
    // Put before the deletes: should the write-behind split them over two commits, a crash in
    // between leaves an update twice (harmless for Yjs), never an update lost.
    const { id, written } = this.append(merged);
    const deletes = read.map(({ key }) => this.#ks.delete(key));
    return { id, written: Promise.all([written, ...deletes]) };
  }

  /** The id of a stored update's key. */
  static idOf(key: readonly string[]): string {
    return idOf(key);
  }

  #isOwnSince(id: string, seq: number): boolean {
    const [writer, s] = id.split('/');
    return writer === this.#writer && parseInt(s ?? '', 36) >= seq;
  }

  #note(id: string, bytes: number): void {
    const before = this.#known.get(id);
    if (before !== undefined) this.#bytes -= before;
    this.#known.set(id, bytes);
    this.#bytes += bytes;
  }

  #forget(id: string): void {
    this.#bytes -= this.#known.get(id) ?? 0;
    this.#known.delete(id);
  }
}

function idOf(key: readonly string[]): string {
  return `${key[2]}/${key[3]}`;
}

function keyOf(doc: string, id: string): string[] {
  const [writer, seq] = id.split('/');
  return [doc, 'u', writer ?? '', seq ?? ''];
}

import type { PackedBytes } from '../packed-bytes.js';
import type { ChangeChunk, ChangeOp } from './change-chunks.js';

/**
 * The live changes of one document: chunks replayed in order, then buffered writes on top.
 *
 * @remarks
 * Built for cold loads of many changes: a change is a slot of plain numbers pointing into its
 * chunk's buffer, found by actor then seq, so replay allocates no key string and no object per
 * change, and {@link ChangeIndex.pack} copies runs of adjacent changes as one block.
 */
export class ChangeIndex {
  readonly #slots = new Map<string, Map<number, number>>();
  readonly #actor: string[] = [];
  readonly #seq: number[] = [];
  /** Index into #sources of the slot's bytes; -1 once removed. */
  readonly #source: number[] = [];
  readonly #start: number[] = [];
  readonly #end: number[] = [];
  readonly #sources: Uint8Array[] = [];
  #storedBytes = 0;
  /** Bytes of the live changes. */
  liveBytes = 0;
  /** Number of live changes. */
  count = 0;

  /** Bytes held by replayed chunks that are no longer live (overwritten or removed). */
  get deadBytes(): number {
    return this.#storedBytes - this.liveBytes;
  }

  /** Replays a chunk: its removals, then its puts (a chunk holds one operation per key). */
  addChunk(c: ChangeChunk): void {
    this.#storedBytes += c.bytes.byteLength;
    for (let i = 0; i < c.delSeqs.length; i++) {
      this.#remove(c.actors[c.delActors[i] as number] as string, c.delSeqs[i] as number);
    }
    const source = this.#sources.push(c.bytes) - 1;
    let start = 0;
    for (let i = 0; i < c.putSeqs.length; i++) {
      const end = c.putEnds[i] as number;
      this.#put(c.actors[c.putActors[i] as number] as string, c.putSeqs[i] as number, source, start, end);
      start = end;
    }
  }

  /** Applies a buffered put (`bytes`) or removal (`undefined`). */
  apply(op: ChangeOp): void {
    if (op.bytes === undefined) this.#remove(op.actor, op.seq);
    else this.#put(op.actor, op.seq, this.#sources.push(op.bytes) - 1, 0, op.bytes.byteLength);
  }

  /** Copies every live change into one buffer, in slot order. */
  pack(): PackedBytes {
    const bytes = new Uint8Array(this.liveBytes);
    const ends = new Uint32Array(this.count);
    let at = 0;
    let n = 0;
    // A run is a stretch of one source copied with one `set`.
    let runSource = -1;
    let runStart = 0;
    let runEnd = 0;
    const flushRun = () => {
      if (runSource < 0) return;
      const src = this.#sources[runSource] as Uint8Array;
      bytes.set(src.subarray(runStart, runEnd), at);
      at += runEnd - runStart;
    };
    for (let slot = 0; slot < this.#source.length; slot++) {
      const source = this.#source[slot] as number;
      if (source < 0) continue;
      const start = this.#start[slot] as number;
      const end = this.#end[slot] as number;
      if (source !== runSource || start !== runEnd) {
        flushRun();
        runSource = source;
        runStart = start;
      }
      runEnd = end;
      ends[n] = at + (runEnd - runStart);
      n++;
    }
    flushRun();
    return { bytes, ends };
  }

  /** Yields every live change, its bytes a view into its source. */
  *entries(): IterableIterator<ChangeOp> {
    for (let slot = 0; slot < this.#source.length; slot++) {
      const source = this.#source[slot] as number;
      if (source < 0) continue;
      const bytes = (this.#sources[source] as Uint8Array).subarray(
        this.#start[slot] as number,
        this.#end[slot] as number,
      );
      yield { actor: this.#actor[slot] as string, seq: this.#seq[slot] as number, bytes };
    }
  }

  #put(actor: string, seq: number, source: number, start: number, end: number): void {
    let seqs = this.#slots.get(actor);
    if (seqs === undefined) {
      seqs = new Map();
      this.#slots.set(actor, seqs);
    }
    let slot = seqs.get(seq);
    if (slot === undefined) {
      slot = this.#source.length;
      seqs.set(seq, slot);
      this.#actor.push(actor);
      this.#seq.push(seq);
      this.#source.push(-1);
      this.#start.push(0);
      this.#end.push(0);
    }
    this.#drop(slot);
    this.#source[slot] = source;
    this.#start[slot] = start;
    this.#end[slot] = end;
    this.liveBytes += end - start;
    this.count++;
  }

  #remove(actor: string, seq: number): void {
    const slot = this.#slots.get(actor)?.get(seq);
    if (slot !== undefined) this.#drop(slot);
  }

  /** Makes a slot dead, if it is live. */
  #drop(slot: number): void {
    if ((this.#source[slot] as number) < 0) return;
    this.liveBytes -= (this.#end[slot] as number) - (this.#start[slot] as number);
    this.count--;
    this.#source[slot] = -1;
  }
}

import { expect, test } from '@playwright/test';
import {
  changeKey,
  chunkChecksum,
  chunkProblem,
  encodeChunk,
  MAX_CHUNK_BYTES,
  repack,
  type ChangeChunk,
  type ChangeOp,
} from '../../src/engine/change-chunks.js';

// How a flush's changes are packed into one stored chunk, how a chunk's checksum covers every
// field, what a stored record must look like to be replayed, and how compaction splits a
// document's live changes at MAX_CHUNK_BYTES. Pure functions: no IndexedDB involved.

const bytesOf = (...values: number[]) => new Uint8Array(values);
const put = (actor: string, seq: number, ...values: number[]): ChangeOp => ({
  actor,
  seq,
  bytes: bytesOf(...values),
});
const del = (actor: string, seq: number): ChangeOp => ({ actor, seq, bytes: undefined });

/** A deep copy whose typed arrays are fresh, so edits to it never reach the original. */
function copyChunk(c: ChangeChunk): ChangeChunk {
  return structuredClone(c);
}

test('changeKey puts the seq first, so an actor holding ":" still splits at the first colon', () => {
  expect(changeKey('alice', 7)).toBe('7:alice');
  expect(changeKey('a:b', 1)).not.toBe(changeKey('a', 1));
  expect(changeKey('1:a', 2)).toBe('2:1:a');
  // Keys of different (actor, seq) pairs never collide, even when the digits could shift.
  expect(changeKey('1:a', 2)).not.toBe(changeKey('a', 21));
  expect(changeKey('2:a', 1)).not.toBe(changeKey('a', 12));
});

test('encodeChunk lays out puts and removals as the chunk format says', () => {
  const chunk = encodeChunk('doc-1', [
    put('a', 1, 10, 11),
    del('b', 2),
    put('a', 3, 12),
    put('c', 1),
    put('b', 4, 13, 14, 15),
  ]);
  expect(chunk.doc).toBe('doc-1');
  // Actors in order of first appearance, a removal's actor included.
  expect(chunk.actors).toEqual(['a', 'b', 'c']);
  expect([...chunk.putActors]).toEqual([0, 0, 2, 1]);
  expect([...chunk.putSeqs]).toEqual([1, 3, 1, 4]);
  // The empty change of c ends where the one before it ended.
  expect([...chunk.putEnds]).toEqual([2, 3, 3, 6]);
  expect([...chunk.bytes]).toEqual([10, 11, 12, 13, 14, 15]);
  expect([...chunk.delActors]).toEqual([1]);
  expect([...chunk.delSeqs]).toEqual([2]);
  expect(chunk.crc).toBe(chunkChecksum(chunk));
  expect(chunk.id).toBeUndefined();
  expect(chunkProblem(chunk)).toBeUndefined();
});

test('encodeChunk copies the bytes, so later edits of the caller’s arrays do not reach it', () => {
  const value = bytesOf(1, 2, 3);
  const chunk = encodeChunk('d', [{ actor: 'a', seq: 1, bytes: value }]);
  value[0] = 99;
  expect([...chunk.bytes]).toEqual([1, 2, 3]);
  expect(chunk.bytes.buffer).not.toBe(value.buffer);
});

test('encodeChunk of no operations is an empty, sound chunk', () => {
  const chunk = encodeChunk('d', []);
  expect(chunk.actors).toEqual([]);
  expect(chunk.bytes.byteLength).toBe(0);
  expect(chunk.putSeqs.length + chunk.delSeqs.length).toBe(0);
  expect(chunkProblem(chunk)).toBeUndefined();
});

test('seqs up to 2 ** 53 - 1 survive the chunk exactly', () => {
  const big = Number.MAX_SAFE_INTEGER;
  const chunk = encodeChunk('d', [put('a', big, 1), del('a', big - 1)]);
  expect(chunk.putSeqs[0]).toBe(big);
  expect(chunk.delSeqs[0]).toBe(big - 1);
});

const sample = () =>
  encodeChunk('doc', [put('alice', 1, 1, 2, 3), put('bob', 2, 4, 5), del('carol', 3), del('alice', 9)]);

test('the checksum is the same for equal content, wherever its arrays live in memory', () => {
  const c = sample();
  expect(chunkChecksum(copyChunk(c))).toBe(chunkChecksum(c));
  // The same lists as views at an offset inside larger buffers, as a structured clone of a
  // bigger record could hand them over: only the view's own bytes count.
  const at = <T extends Uint32Array | Float64Array | Uint8Array>(
    src: T,
    make: (b: ArrayBuffer, off: number, n: number) => T,
  ): T => {
    const pad = 8 * src.BYTES_PER_ELEMENT;
    const buffer = new ArrayBuffer(pad * 2 + src.byteLength);
    new Uint8Array(buffer).fill(0xee);
    const view = make(buffer, pad, src.length);
    view.set(src as never);
    return view;
  };
  const offset: ChangeChunk = {
    ...c,
    putActors: at(c.putActors, (b, o, n) => new Uint32Array(b, o, n)),
    putSeqs: at(c.putSeqs, (b, o, n) => new Float64Array(b, o, n)),
    putEnds: at(c.putEnds, (b, o, n) => new Uint32Array(b, o, n)),
    bytes: at(c.bytes, (b, o, n) => new Uint8Array(b, o, n)),
    delActors: at(c.delActors, (b, o, n) => new Uint32Array(b, o, n)),
    delSeqs: at(c.delSeqs, (b, o, n) => new Float64Array(b, o, n)),
  };
  expect(chunkChecksum(offset)).toBe(chunkChecksum(c));
  // The stored crc and id are not part of what the checksum covers.
  expect(chunkChecksum({ ...c, crc: 123, id: 5 })).toBe(chunkChecksum(c));
});

test('the checksum changes when any byte of the changes changes', () => {
  const c = sample();
  const original = chunkChecksum(c);
  const unnoticed: string[] = [];
  for (let i = 0; i < c.bytes.length; i++) {
    for (const flip of [0x01, 0x80]) {
      const edited = copyChunk(c);
      edited.bytes[i] = (edited.bytes[i] as number) ^ flip;
      if (chunkChecksum(edited) === original) unnoticed.push(`byte ${i} ^ ${flip}`);
    }
  }
  expect(unnoticed).toEqual([]);
});

test('the checksum changes when the docId, an actor or any list entry changes', () => {
  const c = sample();
  const original = chunkChecksum(c);
  const edits: Array<[string, (x: ChangeChunk) => void]> = [
    ['docId', (x) => (x.doc = 'doc2')],
    ['docId case', (x) => (x.doc = 'Doc')],
    ['an actor', (x) => (x.actors[1] = 'bob2')],
    ['actor order', (x) => x.actors.reverse()],
    ['an actor boundary', (x) => (x.actors = ['alic', 'ebob', 'carol'])],
    ['a put actor', (x) => (x.putActors[1] = 0)],
    ['a put seq', (x) => (x.putSeqs[0] = 2)],
    ['a put seq by a fraction', (x) => (x.putSeqs[0] = 1 + Number.EPSILON)],
    ['a change boundary', (x) => (x.putEnds[0] = 2)],
    ['a removal actor', (x) => (x.delActors[0] = 1)],
    ['a removal seq', (x) => (x.delSeqs[1] = 8)],
  ];
  for (const [what, edit] of edits) {
    const edited = copyChunk(c);
    edit(edited);
    expect(chunkChecksum(edited), what).not.toBe(original);
  }
  // The docId and the actors are one JSON text: a character moved between them is a change.
  const shifted = copyChunk(c);
  shifted.doc = 'doca';
  shifted.actors[0] = 'lice';
  expect(chunkChecksum(shifted)).not.toBe(original);
});

test('chunkProblem accepts a sound chunk, and one from before checksums', () => {
  const c = sample();
  expect(chunkProblem(c)).toBeUndefined();
  const legacy: ChangeChunk = copyChunk(c);
  delete legacy.crc;
  expect(chunkProblem(legacy)).toBeUndefined();
});

test('chunkProblem names what is wrong with a damaged record', () => {
  const c = sample();
  const broken = (edit: (x: Record<string, unknown>) => void) => {
    const x = copyChunk(c) as unknown as Record<string, unknown>;
    edit(x);
    return chunkProblem(x);
  };
  expect(chunkProblem(null)).toBe('it is not a chunk of changes');
  expect(chunkProblem('chunk')).toBe('it is not a chunk of changes');
  expect(chunkProblem(undefined)).toBe('it is not a chunk of changes');

  const wrongType = 'fields are missing or of the wrong type';
  expect(broken((x) => delete x['bytes'])).toBe(wrongType);
  expect(broken((x) => (x['doc'] = 1))).toBe(wrongType);
  expect(broken((x) => (x['actors'] = ['a', 2]))).toBe(wrongType);
  expect(broken((x) => (x['actors'] = 'alice'))).toBe(wrongType);
  expect(broken((x) => (x['putSeqs'] = [1, 2]))).toBe(wrongType);
  // A Uint32Array is not a Float64Array, even with the same numbers.
  expect(broken((x) => (x['delSeqs'] = Uint32Array.from(c.delSeqs)))).toBe(wrongType);
  expect(broken((x) => (x['putEnds'] = Float64Array.from(c.putEnds)))).toBe(wrongType);
  expect(broken((x) => (x['crc'] = '1234'))).toBe(wrongType);

  expect(broken((x) => (x['putSeqs'] = new Float64Array(1)))).toBe('its lists have different lengths');
  expect(broken((x) => (x['delActors'] = new Uint32Array(3)))).toBe('its lists have different lengths');

  expect(broken((x) => (x['putEnds'] = Uint32Array.of(3, 2)))).toBe('its change bounds are out of order');
  expect(broken((x) => (x['putEnds'] = Uint32Array.of(3, 4)))).toBe(
    'its change bounds do not match its bytes',
  );
  expect(broken((x) => (x['bytes'] = new Uint8Array(6)))).toBe('its change bounds do not match its bytes');

  expect(broken((x) => (x['putActors'] = Uint32Array.of(0, 3)))).toBe('an actor index is out of range');
  expect(broken((x) => (x['delActors'] = Uint32Array.of(0, 3)))).toBe('an actor index is out of range');

  expect(broken((x) => ((x['bytes'] as Uint8Array)[0] = 9))).toBe('its checksum does not match its content');
  expect(broken((x) => (x['crc'] = ((c.crc as number) + 1) >>> 0))).toBe(
    'its checksum does not match its content',
  );
});

test('a chunk with no puts must have no bytes', () => {
  const c = encodeChunk('d', [del('a', 1)]);
  expect(chunkProblem(c)).toBeUndefined();
  const padded = { ...copyChunk(c), bytes: new Uint8Array(1) };
  delete padded.crc;
  expect(chunkProblem(padded)).toBe('its change bounds do not match its bytes');
});

const MiB = 1024 * 1024;

/** `n` live changes of actor "a", seqs 1…n, of the given sizes, each filled with its seq. */
function liveOfSizes(sizes: number[]): ChangeOp[] {
  return sizes.map((size, i) => ({ actor: 'a', seq: i + 1, bytes: new Uint8Array(size).fill(i + 1) }));
}

/** Replays chunks' puts in order, as (seq, size, first byte) triples. */
function putsOf(chunks: ChangeChunk[]): Array<[number, number, number | undefined]> {
  const out: Array<[number, number, number | undefined]> = [];
  for (const c of chunks) {
    let start = 0;
    c.putEnds.forEach((end, i) => {
      out.push([c.putSeqs[i] as number, end - start, c.bytes[start]]);
      start = end;
    });
  }
  return out;
}

test('MAX_CHUNK_BYTES is 4 MiB', () => {
  expect(MAX_CHUNK_BYTES).toBe(4 * MiB);
});

test('repack fills chunks up to exactly MAX_CHUNK_BYTES, in order, and splits past it', () => {
  const live = liveOfSizes([MiB, MiB, MiB, MiB, MiB, MiB, MiB, MiB, MiB]);
  const chunks = repack('d', live);
  expect(chunks.map((c) => c.bytes.byteLength)).toEqual([4 * MiB, 4 * MiB, MiB]);
  expect(chunks.map((c) => [...c.putSeqs])).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  expect(putsOf(chunks)).toEqual(live.map((op) => [op.seq, MiB, op.seq]));
  for (const c of chunks) {
    expect(c.doc).toBe('d');
    expect(c.delSeqs.length).toBe(0);
    expect(chunkProblem(c)).toBeUndefined();
  }
});

test('repack starts a new chunk at the first change that would pass the limit by one byte', () => {
  const chunks = repack('d', liveOfSizes([2 * MiB, 2 * MiB - 1, 1, 1]));
  // 2 MiB + (2 MiB - 1) + 1 is exactly the limit; the last byte goes to a second chunk.
  expect(chunks.map((c) => [...c.putSeqs])).toEqual([[1, 2, 3], [4]]);
  expect(chunks.map((c) => c.bytes.byteLength)).toEqual([4 * MiB, 1]);
});

test('a change bigger than MAX_CHUNK_BYTES gets a chunk of its own, and nothing is dropped', () => {
  const chunks = repack('d', liveOfSizes([10, 4 * MiB + 1, 10]));
  expect(chunks.map((c) => [...c.putSeqs])).toEqual([[1], [2], [3]]);
  expect(chunks.map((c) => c.bytes.byteLength)).toEqual([10, 4 * MiB + 1, 10]);
});

test('repack of small changes makes one chunk, and of none makes none', () => {
  const live = [put('a', 1, 1), put('b', 7, 2, 3), put('a', 2)];
  const chunks = repack('d', live);
  expect(chunks).toHaveLength(1);
  expect(chunks[0]?.actors).toEqual(['a', 'b']);
  expect(putsOf(chunks)).toEqual([
    [1, 1, 1],
    [7, 2, 2],
    [2, 0, undefined],
  ]);
  expect(repack('d', [])).toEqual([]);
});

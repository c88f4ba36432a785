import { initializeBase64Wasm, next as A } from '@automerge/automerge/slim';
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import type { Change } from './change-store.js';

let wasm: Promise<void> | undefined;

/** Loads Automerge's wasm, once per page (the slim entry leaves that to the app). */
export function initAutomerge(): Promise<void> {
  wasm ??= initializeBase64Wasm(automergeWasmBase64);
  return wasm;
}

interface TextDoc {
  text: string;
}

const cache = new Map<number, Change[]>();

/**
 * Types a text document character by character, `n` changes in all, and returns each change as
 * an app persisting change by change holds it: `[actor, seq, bytes]` from `getLastLocalChange`
 * and `decodeChange`. Cached per page.
 */
export function typeText(n: number): Change[] {
  let changes = cache.get(n);
  if (changes !== undefined) return changes;
  changes = [];
  const letters = 'the quick brown fox jumps over the lazy dog ';
  let doc = A.init<TextDoc>();
  for (let i = 0; i < n; i++) {
    const ch = letters[i % letters.length] as string;
    doc = A.change(doc, (d) => {
      if (i === 0) d.text = ch;
      else A.splice(d, ['text'], i, 0, ch);
    });
    const bytes = A.getLastLocalChange(doc) as Uint8Array;
    const { actor, seq } = A.decodeChange(bytes);
    changes.push({ actor, seq, bytes });
  }
  cache.clear();
  cache.set(n, changes);
  return changes;
}

/**
 * Turns stored changes, in any order, into a usable document the way automerge-repo loads
 * one: the chunks concatenated into `loadIncremental` on an empty document.
 *
 * @returns the document's text.
 */
export function loadText(chunks: readonly Uint8Array[]): string {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  const doc = A.loadIncremental(A.init<TextDoc>(), all);
  return doc.text;
}

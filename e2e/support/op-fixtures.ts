/** Builders of op-store test data, installed in the page by {@link installOpFixtures}. */
export interface OpFixtures {
  /** The 4 little-endian bytes of a u32: `opIdLoc(u32le(x)) === x`. */
  u32le(x: number): Uint8Array;
  /** A 32-byte op id at location `loc`, distinct for each `salt`. */
  idAt(loc: number, salt: number): Uint8Array;
  /**
   * A 32-byte op id at location `loc` whose first byte is `order`, so ids of one `createdAt` sort
   * by `order` in the indexes (equal index keys are ordered by primary key).
   */
  idOrdered(order: number, loc: number, salt: number): Uint8Array;
  /** An op of the default format: `op_data` is `id` followed by `extra` bytes of value `fill`. */
  op(id: Uint8Array, createdAt: number, extra?: number, fill?: number): Uint8Array;
  /** Lowercase hex of some bytes. */
  hex(bytes: Uint8Array): string;
}

declare global {
  interface Window {
    opFx: OpFixtures;
  }
}

/**
 * Puts {@link OpFixtures} on `window.opFx`. Runs in the page (`page.addInitScript`), so it must
 * not reference anything outside its own body.
 */
export function installOpFixtures(): void {
  const u32le = (x: number): Uint8Array => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, x >>> 0, true);
    return out;
  };
  window.opFx = {
    u32le,
    idAt(loc, salt) {
      // The salt lands in two lanes-aligned words that cancel out under the XOR fold.
      const id = new Uint8Array(32);
      id.set(u32le(loc), 0);
      id.set(u32le(salt), 4);
      id.set(u32le(salt), 8);
      return id;
    },
    idOrdered(order, loc, salt) {
      // Byte 0 is `order`; word 1 carries `loc ^ order` so the fold still gives `loc`.
      const id = new Uint8Array(32);
      id[0] = order;
      id.set(u32le((loc ^ order) >>> 0), 4);
      id.set(u32le(salt), 8);
      id.set(u32le(salt), 12);
      return id;
    },
    op(id, createdAt, extra = 0, fill = 7) {
      const data = [...id, ...new Array<number>(extra).fill(fill)];
      return new TextEncoder().encode(JSON.stringify({ created_at: createdAt, op_data: data }));
    },
    hex(bytes) {
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    },
  };
}

import { invalid } from '../store-error.js';

/** What the op store needs to know of an op besides its bytes. */
export interface DecodedOp {
  opId: Uint8Array;
  /** Microseconds since the Unix epoch. */
  createdAt: number;
  /** What the op counts for in size totals and byte budgets. */
  size: number;
}

/** Length of a default-format op id: kitsune2 ids are 32 bytes. */
const ID_LENGTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an op of kitsune2's test op format: UTF-8 JSON `{"created_at": <µs>, "op_data":
 * [bytes…]}`. Its id is the first 32 bytes of `op_data`, zero-padded to 32; its size is
 * `op_data.length`. The engine decodes them, so that parsing 1,000 ops runs where it runs: off
 * the page's main thread with the worker engine.
 *
 * @param op - the op's bytes, only read.
 * @returns the op's id (a fresh array), creation time and size.
 * @throws {@link StoreError} code 'invalid-argument' when the bytes are not such an op.
 */
export function decodeDefaultOp(op: Uint8Array): DecodedOp {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(op));
  } catch {
    invalid('op is not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) invalid('op is not a JSON object');
  const { created_at: createdAt, op_data: data } = parsed as { created_at?: unknown; op_data?: unknown };
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) invalid('op has no numeric created_at');
  if (!Array.isArray(data)) invalid('op has no op_data array');
  const opId = new Uint8Array(ID_LENGTH);
  for (let i = 0; i < data.length; i++) {
    const b: unknown = data[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      invalid(`op_data[${i}] is not a byte`);
    }
    if (i < ID_LENGTH) opId[i] = b;
  }
  return { opId, createdAt, size: data.length };
}

import { isStoreError, type StoreErrorCode } from '../store-error.js';
import { ContractFailure } from './contract-failure.js';

/**
 * The checks the contract suites make. Small and runner-free on purpose: the kit runs under any
 * test runner, in a page or a worker, with nothing to install. Each fails with a
 * {@link ContractFailure} that says what was checked, what was expected and what came.
 */

/**
 * Fails unless `actual` deeply equals `expected`: the same primitives (`Object.is`, so bigints
 * by value), typed arrays with the same bytes, arrays and plain objects with equal members.
 * Like `toEqual`, an object member that is `undefined` counts as absent.
 *
 * @param what - what `actual` is, for the failure message.
 */
export function checkEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected))
    throw new ContractFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless `condition` holds. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new ContractFailure(what);
}

/**
 * Fails unless `call` returns a Promise that rejects with a `StoreError` of `code` (a call that
 * throws synchronously fails too: larder's methods always return a Promise).
 *
 * @returns the rejection, for more checks.
 */
export async function checkRejects(
  call: () => Promise<unknown>,
  code: StoreErrorCode,
  what: string,
): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (e) {
    throw new ContractFailure(`${what}: threw synchronously (${describe(e)}) instead of rejecting '${code}'`);
  }
  try {
    await promise;
  } catch (e) {
    if (isStoreError(e, code)) return e;
    throw new ContractFailure(`${what}: expected a StoreError '${code}', got ${describe(e)}`);
  }
  throw new ContractFailure(`${what}: expected a StoreError '${code}', but it resolved`);
}

/** A call a case expects to fail, and what it is, for the failure message. */
export type ExpectedFailure = readonly [what: string, call: () => Promise<unknown>];

/**
 * Fails unless every call rejects with a `StoreError` of `code`. Makes every call, one after
 * another, before failing, so that one failure lists every call that did not reject so.
 *
 * @param what - what the calls are, for the failure message.
 */
export async function checkEachRejects(
  calls: readonly ExpectedFailure[],
  code: StoreErrorCode,
  what: string,
): Promise<void> {
  const wrong: string[] = [];
  for (const [title, call] of calls) {
    try {
      await checkRejects(call, code, title);
    } catch (e) {
      wrong.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (wrong.length > 0)
    throw new ContractFailure(
      `${what}: ${wrong.length} of ${calls.length} did not:\n  ${wrong.join('\n  ')}`,
    );
}

/**
 * Fails unless `call` throws a `StoreError` of `code` synchronously: for the methods that return
 * an object rather than a Promise, such as `store.opStore()`.
 */
export function checkThrows(call: () => unknown, code: StoreErrorCode, what: string): void {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    if (isStoreError(e, code)) return;
    throw new ContractFailure(`${what}: expected a StoreError '${code}', got ${describe(e)}`);
  }
  throw new ContractFailure(
    `${what}: expected a StoreError '${code}', but it returned ${show(typeof result)}`,
  );
}

/**
 * Fails unless `call` returns a Promise that resolves.
 *
 * @param what - what the call is, for the failure message.
 * @returns what it resolved.
 */
export async function checkResolves<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new ContractFailure(`${what}: expected it to resolve, got ${describe(e)}`);
  }
}

/**
 * How `promise` settled, as text to compare: `'resolved'`, the code of a `StoreError`, or
 * `'not a StoreError: …'`.
 */
export async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    return isStoreError(e) ? e.code : `not a StoreError: ${describe(e)}`;
  }
}

function describe(e: unknown): string {
  if (isStoreError(e)) return `StoreError '${e.code}' (${e.message})`;
  return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

/** A value as text for a failure message: bigints as `5n`, byte arrays as `bytes[1,2]`. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_, v: unknown) =>
      typeof v === 'bigint'
        ? `${v}n`
        : v === undefined
          ? '<undefined>'
          : ArrayBuffer.isView(v)
            ? `bytes[${Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).join(',')}]`
            : v,
    );
  } catch {
    return String(value);
  }
}

import { isStoreError, type StoreErrorCode } from '../store-error.js';
import { show } from './check.js';
import { ContractFailure } from './contract-failure.js';

/**
 * Checks for calls, beside those of `check.ts`: the synchronous throws of the enqueueing methods
 * (`trackOne`, `trackExpunged`, `put`, `delete`, `table`), which return nothing to await, and
 * how a promise settled, for cases that race several calls and count the outcomes.
 */

/**
 * Fails unless `call` throws a `StoreError` of `code` before it returns: larder checks the
 * arguments of its enqueueing methods up front, so a bad call never reaches a batch.
 *
 * @param what - what the call is, for the failure message.
 * @returns the thrown error, for more checks.
 */
export function checkThrows(call: () => unknown, code: StoreErrorCode, what: string): unknown {
  let returned: unknown;
  try {
    returned = call();
  } catch (e) {
    if (isStoreError(e, code)) return e;
    throw new ContractFailure(`${what}: expected a StoreError '${code}' thrown, got ${describe(e)}`);
  }
  // A method that wrongly returns a promise must not leave an unhandled rejection behind.
  if (returned instanceof Promise) returned.catch(() => undefined);
  throw new ContractFailure(`${what}: expected a StoreError '${code}' thrown synchronously, but it returned`);
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

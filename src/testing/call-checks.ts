import { isStoreError } from '../store-error.js';
import { show } from './check.js';
import { ContractFailure } from './contract-failure.js';

/**
 * Checks for calls, beside those of `check.ts` and `check-each.ts`: that a call resolves, with
 * what it is in the failure message, and how a promise settled, for cases that race several
 * calls and count the outcomes.
 */

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

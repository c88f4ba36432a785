import { isStoreError, type StoreErrorCode } from '../store-error.js';
import { checkRejects, show } from './check.js';
import { ContractFailure } from './contract-failure.js';

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

function describe(e: unknown): string {
  if (isStoreError(e)) return `StoreError '${e.code}' (${e.message})`;
  return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
}

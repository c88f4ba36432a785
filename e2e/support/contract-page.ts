/**
 * Page-side runner of larder's own contract suites (`larder-kit/testing`): loaded into the
 * harness page by `e2e/contracts.spec.ts`, it runs one suite on one engine kind and reports every
 * case, so that a failing case does not hide the others.
 */
import { contracts, runCase, type ContractSetup } from '../../src/testing/index.js';
// The same ways to open a store on each engine kind as the Persister specs use.
import { open, stopWorkers, type EngineKind } from './persister-page.js';

/** How one case went. */
export interface CaseResult {
  title: string;
  /** Empty when it passed; the failure otherwise. */
  error: string;
  ms: number;
}

/** A case that has not settled by then has failed (a promise that never settles is a bug). */
const CASE_TIMEOUT_MS = 30_000;

/** The names of the suites the kit exports. */
export function contractNames(): string[] {
  return Object.keys(contracts);
}

/**
 * Runs every case of the suite `contract` on engine `kind`, one after another.
 *
 * @param only - run just the cases with these titles (for a quick re-run of a failure).
 */
export async function runContract(
  contract: string,
  kind: EngineKind,
  only?: string[],
): Promise<CaseResult[]> {
  const cases = contracts[contract];
  if (cases === undefined) throw new Error(`no contract suite '${contract}'`);
  const results: CaseResult[] = [];
  for (const c of cases) {
    if (only !== undefined && !only.includes(c.title)) continue;
    const setup: ContractSetup = { open: (name, options) => open(name, kind, options) };
    const start = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const error = await Promise.race([
      runCase(c, setup).then(
        () => '',
        (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`did not settle in ${CASE_TIMEOUT_MS} ms`), CASE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    stopWorkers();
    results.push({ title: c.title, error, ms: Math.round(performance.now() - start) });
  }
  return results;
}

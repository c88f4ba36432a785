/**
 * Page-side runner of larder's own contract suites (`larder-kit/testing`): loaded into the
 * harness page by `e2e/contracts.spec.ts`, it runs one suite on one engine kind and reports every
 * case, so that a failing case does not hide the others.
 */
import type { StoreOptions } from '../../src/index.js';
import { contracts, runCase, type ContractSetup } from '../../src/testing/index.js';
import type { EngineKind } from './persister-page.js';

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
    const workers: Worker[] = [];
    const setup: ContractSetup = { open: (name, options) => open(name, kind, workers, options) };
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
    for (const w of workers) w.terminate();
    results.push({ title: c.title, error, ms: Math.round(performance.now() - start) });
  }
  return results;
}

/** Opens `name` on engine `kind`; a Worker it starts is added to `workers`. */
function open(
  name: string,
  kind: EngineKind,
  workers: Worker[],
  options: Omit<StoreOptions, 'engine'> = {},
): ReturnType<typeof window.larder.openStore> {
  if (kind === 'worker' || kind === 'inline')
    return window.larder.openStore(name, { ...options, engine: kind });
  if (kind === 'own-worker') {
    const worker = new Worker(new URL('/workers/larder.worker.ts', location.origin), { type: 'module' });
    workers.push(worker);
    return window.larder.openStore(name, { ...options, engine: worker });
  }
  const worker = new Worker(new URL('/e2e/fixtures/port-worker.ts', location.origin), { type: 'module' });
  workers.push(worker);
  const channel = new MessageChannel();
  worker.postMessage({ port: channel.port2 }, [channel.port2]);
  return window.larder.openStore(name, { ...options, engine: channel.port1 });
}

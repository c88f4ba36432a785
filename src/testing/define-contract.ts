import { deleteStore } from '../open-store.js';
import type { Store } from '../contracts/store.js';
import type { ContractCase, ContractContext, ContractSetup, DeclareTest } from './contract-setup.js';

let counter = 0;

/**
 * Declares every case of a contract suite with the runner's `test` function, each test on a
 * store name of its own, closing what it opened and removing the name when it ends (passed or
 * failed).
 *
 * @param contract - the suite's name, the start of every test title.
 */
export function declareCases(
  contract: string,
  cases: readonly ContractCase[],
  setup: ContractSetup,
  test: DeclareTest,
): void {
  for (const c of cases) test(`${contract}: ${c.title}`, () => runCase(c, setup));
}

/** Runs one case on `setup`, then closes its stores and removes its names. */
export async function runCase(c: ContractCase, setup: ContractSetup): Promise<void> {
  counter += 1;
  const base = `larder-contract-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${counter}`;
  const opened: Store[] = [];
  const names = new Set<string>([base]);
  const ctx: ContractContext = {
    name: base,
    async open(options, name = base) {
      names.add(name);
      const store = await setup.open(name, options);
      opened.push(store);
      return store;
    },
  };
  try {
    await c.run(ctx);
  } finally {
    // close() is idempotent: a case may have closed its stores already.
    await Promise.allSettled(opened.map((s) => s.close()));
    const remove = setup.remove ?? deleteStore;
    for (const name of names) await remove(name);
  }
}

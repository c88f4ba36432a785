import type { Store, StoreOptions } from '../contracts/store.js';

/**
 * How a contract suite gets the stores it tests: the engine setup under test. Every test opens
 * stores under a name of its own, closes them, and removes the name when it ends.
 *
 * @example
 * An app's own Worker running `larder-kit/worker`:
 * ```ts
 * const setup: ContractSetup = {
 *   open: (name, options) => openStore(name, { ...options, engine: new Worker(workerUrl, { type: 'module' }) }),
 * };
 * ```
 */
export interface ContractSetup {
  /**
   * Opens the store `name`, with `options` (write-behind settings, never `engine`) on the engine
   * under test. A test may open the same name again after closing it, and expects the data back.
   */
  open(name: string, options?: Omit<StoreOptions, 'engine'>): Promise<Store>;
  /**
   * Deletes the store `name` once the test has closed its stores. Default: `deleteStore(name)`
   * of `larder-kit`.
   */
  remove?(name: string): Promise<void>;
}

/**
 * The test runner's way to declare one test: `it` or `test` of Vitest, Jest, Mocha,
 * `node:test` or Playwright Test all fit. The body rejects when the test fails.
 */
export type DeclareTest = (title: string, body: () => Promise<void>) => unknown;

/** What a contract test gets: its own store name and a way to open it on the setup. */
export interface ContractContext {
  /** A store name no other test uses. */
  readonly name: string;
  /** Opens the store {@link ContractContext.name} (or `name`) on the setup; closed after the test. */
  open(options?: Omit<StoreOptions, 'engine'>, name?: string): Promise<Store>;
}

/** One test of a contract suite. */
export interface ContractCase {
  /** What it checks, as a sentence: the test's title after the contract's name. */
  readonly title: string;
  /** Runs the test; rejects with a {@link ContractFailure} or any error when it fails. */
  run(ctx: ContractContext): Promise<void>;
}

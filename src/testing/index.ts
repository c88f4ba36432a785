/**
 * larder's contract suites as a kit: run them against any engine setup (the kit's worker, the
 * inline engine, a Worker or MessagePort of your own, a build with your bundler and CSP) under
 * the test runner you already have, the way automerge-repo exports `runStorageAdapterTests`.
 *
 * ```ts
 * import { openStore } from 'larder-kit';
 * import { runAllContracts } from 'larder-kit/testing';
 * runAllContracts({ open: (name, options) => openStore(name, { ...options, engine: 'inline' }) }, it);
 * ```
 *
 * The suites need a browser (or any place with IndexedDB and Web Workers), like larder itself.
 *
 * @packageDocumentation
 * @module larder-kit/testing
 */
import type { ContractCase, ContractSetup, DeclareTest } from './contract-setup.js';
import { declareCases } from './define-contract.js';
import { persisterCases } from './persister-contract.js';
import { consensusCases } from './consensus-contract.js';
import { logStateCases } from './log-state-contract.js';
import { logTrackerCases } from './log-tracker-contract.js';
import { opStoreCases } from './op-store-contract.js';
import { keySpaceCases } from './key-space-contract.js';
import { storeCases } from './store-contract.js';

export type { ContractCase, ContractContext, ContractSetup, DeclareTest } from './contract-setup.js';
export { ContractFailure } from './contract-failure.js';
export { runCase } from './define-contract.js';

/** Every contract suite, by name: what {@link runAllContracts} runs. */
export const contracts: Readonly<Record<string, readonly ContractCase[]>> = {
  store: storeCases,
  persister: persisterCases,
  consensus: consensusCases,
  'log-state': logStateCases,
  'log-tracker': logTrackerCases,
  'op-store': opStoreCases,
  'key-space': keySpaceCases,
};

/**
 * Declares the tests of the store itself: opening, options, closing, errors with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runStoreContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('store', storeCases, setup, test);
}

/**
 * Declares the tests of `Persister` with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runPersisterContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('persister', persisterCases, setup, test);
}

/**
 * Declares the tests of `LogStatePersistence` with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runLogStateContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('log-state', logStateCases, setup, test);
}

/**
 * Declares the tests of `LogTracker`, with its tables and batches with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runLogTrackerContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('log-tracker', logTrackerCases, setup, test);
}

/**
 * Declares the tests of `OpStore` with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runOpStoreContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('op-store', opStoreCases, setup, test);
}

/**
 * Declares the tests of `KeySpace` with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runKeySpaceContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('key-space', keySpaceCases, setup, test);
}

/**
 * Declares the `Consensus` contract's tests with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runConsensusContract(setup: ContractSetup, test: DeclareTest): void {
  declareCases('consensus', consensusCases, setup, test);
}

/**
 * Declares the tests of every contract suite with `test`, on `setup`.
 *
 * @param setup - opens and removes the stores under test.
 * @param test - the runner's `it` or `test`.
 */
export function runAllContracts(setup: ContractSetup, test: DeclareTest): void {
  for (const [name, cases] of Object.entries(contracts)) declareCases(name, cases, setup, test);
}

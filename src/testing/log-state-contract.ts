import type { ContractCase } from './contract-setup.js';

/** The `LogState` contract. */
export const logStateCases: readonly ContractCase[] = [];

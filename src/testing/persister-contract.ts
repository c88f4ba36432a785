import type { ContractCase } from './contract-setup.js';

/** The `Persister` contract. */
export const persisterCases: readonly ContractCase[] = [];

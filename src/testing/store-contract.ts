import type { ContractCase } from './contract-setup.js';

/** The `Store` contract. */
export const storeCases: readonly ContractCase[] = [];

import type { ContractCase } from './contract-setup.js';

/** The `OpStore` contract. */
export const opStoreCases: readonly ContractCase[] = [];

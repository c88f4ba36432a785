import type { ContractCase } from './contract-setup.js';

/** The `KeySpace` contract. */
export const keySpaceCases: readonly ContractCase[] = [];

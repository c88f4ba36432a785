import type { ContractCase } from './contract-setup.js';

/** The `LogTracker` contract. */
export const logTrackerCases: readonly ContractCase[] = [];

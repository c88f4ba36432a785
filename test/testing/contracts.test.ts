/**
 * `larder-kit/testing` run the way its users run it: under Vitest (browser mode, Chromium), on
 * the default engine, with the three lines the README shows. e2e/contracts.spec.ts runs the same
 * suites over all four engine kinds, and in Firefox and WebKit.
 */
import { it } from 'vitest';
import { openStore } from '../../src/index.js';
import { runAllContracts } from '../../src/testing/index.js';

runAllContracts({ open: (name, options) => openStore(name, options) }, it);

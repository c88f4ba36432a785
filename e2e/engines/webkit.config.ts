import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The WebKit run: WebKitGTK over WebDriver, as a run of its own because its `page` is not
// Playwright's (see webkit-test.ts); `npm test` runs it after the Chromium and Firefox projects.
export default defineConfig({
  ...base,
  testDir: '..',
  tsconfig: './tsconfig.webkit.json',
  reporter: [['list'], ['json', { outputFile: '../../test-results/results-webkit.json' }]],
  outputDir: '../../test-results/webkit',
  // The same dev server, started from the repository's root rather than this file's folder.
  webServer:
    base.webServer && !Array.isArray(base.webServer) ? { ...base.webServer, cwd: root } : base.webServer,
  projects: [{ name: 'webkit', testMatch: ['**/persister-contract.spec.ts'] }],
});

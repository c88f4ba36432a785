import { defineConfig } from '@playwright/test';
import { contractSpecGlobs, reportExcluded, WEBKIT_EXCLUDED } from './engine-suites.js';

// The WebKit run: WebKitGTK over WebDriver. A run of its own, with its own config, because its
// `page` is not Playwright's (webkit-test.ts, mapped in by tsconfig.webkit.json); `npm test`
// runs it after the Chromium and Firefox projects. Kept apart from playwright.config.ts so that
// nothing of the WebKit driver reaches the other projects.

reportExcluded('webkit', WEBKIT_EXCLUDED);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isSpecName = (k: string) => /^[a-z-]+$/.test(k);
const excludedSpecs = Object.keys(WEBKIT_EXCLUDED).filter(isSpecName);
const excludedTests = Object.keys(WEBKIT_EXCLUDED).filter((k) => !isSpecName(k));

// The same dev server as playwright.config.ts, on the same LARDER_TEST_PORT.
const port = Number(process.env['LARDER_TEST_PORT'] ?? 5174);
const root = new URL('../..', import.meta.url).pathname;

export default defineConfig({
  testDir: '..',
  tsconfig: './tsconfig.webkit.json',
  timeout: 60_000,
  fullyParallel: false,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../../test-results/results-webkit.json' }]],
  outputDir: '../../test-results/webkit',
  use: { baseURL: `http://127.0.0.1:${port}` },
  projects: [
    {
      name: 'webkit',
      testMatch: [...contractSpecGlobs(), '**/e2e/engines/webkit-*.spec.ts'],
      // Left out, with the reasons, in engine-suites.ts (and printed at the start of the run).
      testIgnore: excludedSpecs.map((name) => `**/e2e/${name}.spec.ts`),
      ...(excludedTests.length > 0 ? { grepInvert: new RegExp(excludedTests.map(escape).join('|')) } : {}),
    },
  ],
  webServer: {
    command: `npx vite --port ${port} --strictPort --host 127.0.0.1`,
    cwd: root,
    env: { LARDER_NO_HMR: '1' },
    url: `http://127.0.0.1:${port}/e2e/harness.html`,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
  },
});

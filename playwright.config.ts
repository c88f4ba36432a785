import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { firefoxProject } from './e2e/engines/firefox-project.js';

/**
 * Chromium to drive: the one named by LARDER_CHROMIUM, else Debian's /usr/bin/chromium when it
 * exists, else Playwright's own download (undefined).
 */
export const chromiumPath =
  process.env['LARDER_CHROMIUM'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/** Flags for a sandboxed CI machine with no outside network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// LARDER_TEST_PORT lets several people (or agents) run suites side by side without sharing,
// and stopping, one another's dev server.
const port = Number(process.env['LARDER_TEST_PORT'] ?? 5174);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: process.env['CI'] ? 2 : 2,
  forbidOnly: true,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    ...devices['Desktop Chrome'],
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  // The fault-injection suite is a project of its own, so it can run beside the others
  // (`--project faults`) and is never run twice.
  projects: [
    { name: 'default', testIgnore: ['**/faults/**', '**/engines/**'] },
    { name: 'faults', testDir: 'e2e/faults' },
    // The fast tier: pure logic in Node, no browser (the write-behind queue's interleavings).
    { name: 'unit', testDir: 'test/unit' },
    // The same suites in Firefox (issue 17); what it leaves out, and why, is in firefox-project.ts.
    firefoxProject(),
  ],
  webServer: {
    command: `npx vite --port ${port} --strictPort --host 127.0.0.1`,
    env: { LARDER_NO_HMR: '1' },
    url: `http://127.0.0.1:${port}/e2e/harness.html`,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
  },
});

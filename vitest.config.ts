import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath } from './playwright.config.js';

// Vitest runs suites written for vitest: automerge-repo's `runStorageAdapterTests`, unmodified,
// in the same Chromium as the Playwright suites (browser mode, Playwright provider). Everything
// else is tested with Playwright under e2e/.
export default defineConfig({
  // Listed up front so that Vite never re-optimizes them mid-run and reloads the page.
  optimizeDeps: {
    include: [
      'idb',
      'comlink',
      '@automerge/automerge-repo/slim',
      '@automerge/automerge/slim',
      '@automerge/automerge/automerge.wasm.base64',
    ],
  },
  worker: { format: 'es' },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
      instances: [{ browser: 'chromium' }],
      // A failure's message and stack say what failed; no screenshots left in the tree.
      screenshotFailures: false,
      // LARDER_VITEST_PORT lets several people run it side by side, as LARDER_TEST_PORT does.
      api: { host: '127.0.0.1', port: Number(process.env['LARDER_VITEST_PORT'] ?? 63315), strictPort: true },
    },
  },
});

import { fileURLToPath } from 'node:url';
import { devices, type Project } from '@playwright/test';
import {
  contractSpecGlobs,
  FIREFOX_EXCLUDED,
  FIREFOX_INLINE_LEFT_OUT,
  reportExcluded,
} from './engine-suites.js';

/** The Firefox that the relay starts: `$LARDER_FIREFOX`, else Debian's Firefox ESR. */
export const firefoxPath = process.env['LARDER_FIREFOX'] ?? '/usr/bin/firefox-esr';

/** The executable Playwright launches for Firefox: see the relay's header for why it exists. */
export const firefoxRelayPath = fileURLToPath(new URL('./firefox-bidi-relay.mjs', import.meta.url));

/**
 * The Playwright project that runs the contract suites and e2e/engines/firefox-*.spec.ts in
 * Firefox, over WebDriver BiDi (the `moz-firefox` channel) through {@link firefoxRelayPath}.
 * .ci/run installs Firefox ESR from Debian; elsewhere `apt-get install firefox-esr` or set
 * `$LARDER_FIREFOX`. What it leaves out, and why, is in engine-suites.ts.
 */
export function firefoxProject(): Project {
  reportExcluded('firefox', {
    ...FIREFOX_EXCLUDED,
    'the inline engine, but for the kit suites and versionchange':
      'the same IndexedDB calls run through the worker engine; npm test time (FIREFOX_INLINE_LEFT_OUT)',
  });
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    name: 'firefox',
    // Firefox runs a test 2-3x slower than Chromium here (a new database is a SQLite file, and
    // every context loads the dev server's modules afresh): unload.spec.ts's eight closes took
    // over 60 s under load.
    timeout: 120_000,
    testMatch: [...contractSpecGlobs(), '**/e2e/engines/firefox-*.spec.ts'],
    // Left out, with the reasons, in engine-suites.ts (and printed at the start of the run).
    grepInvert: [new RegExp(Object.keys(FIREFOX_EXCLUDED).map(escape).join('|')), FIREFOX_INLINE_LEFT_OUT],
    use: {
      ...devices['Desktop Firefox'],
      channel: 'moz-firefox',
      launchOptions: {
        executablePath: firefoxRelayPath,
        env: { ...process.env, LARDER_FIREFOX: firefoxPath },
      },
    },
  };
}

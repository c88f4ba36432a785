import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Which specs run in Firefox and WebKit, and why the others do not. Chromium runs every spec;
 * the other engines run the contract suites (the same files, unchanged) and their own SIGKILL
 * durability specs. Every spec left out is listed here with its reason, and `npm test` prints
 * this list (see {@link reportExcluded}): nothing is skipped silently.
 */

/** The contract suites that run, unchanged, in every engine. */
export const CONTRACT_SPECS = [
  'persister-contract',
  'consensus',
  'batch',
  'errors',
  'log-state',
  'log-tracker',
  'main-thread',
  'versionchange',
  'unload',
] as const;

/** Why a spec runs only in Chromium, by a pattern of its name; the first match applies. */
export const CHROMIUM_ONLY: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /durability$/,
    'starts Chromium as an OS process and drives it over CDP (real-browser.ts); each engine has its own SIGKILL spec in e2e/engines/',
  ],
  [
    /^demo-/,
    "the demo's UI, screenshots and a CDP network switch; the contract suites cover the engine underneath",
  ],
  [
    /^package$/,
    'packs and builds the package with Vite: the build is the same in every engine, and it costs a minute',
  ],
  [
    /^(op-store|op-location|coordination-tabs|log-tracker-tabs)$/,
    'time: npm test must stay near 15 minutes on 2 cores and Firefox runs a test 2-3x slower than Chromium here; the suites that run use the same IndexedDB calls (cursors, key ranges, read-write transactions)',
  ],
  [/./, 'not (yet) in CONTRACT_SPECS: add it there once it passes in Firefox and WebKit'],
];

/** Playwright `testMatch` globs for {@link CONTRACT_SPECS}. */
export function contractSpecGlobs(): string[] {
  return CONTRACT_SPECS.map((name) => `**/e2e/${name}.spec.ts`);
}

/**
 * Prints, once per run (not in each worker), what an engine leaves out.
 *
 * @param engine - the engine's name, as in the report.
 * @param extra - specs excluded for this engine alone, with the reason.
 */
export function reportExcluded(engine: string, extra: Readonly<Record<string, string>> = {}): void {
  if (process.env['TEST_WORKER_INDEX'] !== undefined) return;
  const e2e = fileURLToPath(new URL('..', import.meta.url));
  const contract = new Set<string>(CONTRACT_SPECS);
  const left = readdirSync(e2e)
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => f.slice(0, -'.spec.ts'.length))
    .filter((name) => !contract.has(name))
    .sort();
  const lines = left.map((name) => {
    const why = extra[name] ?? CHROMIUM_ONLY.find(([pattern]) => pattern.test(name))?.[1] ?? '';
    return `  ${name}: ${why}`;
  });
  console.log(
    `${engine} runs ${CONTRACT_SPECS.join(', ')} and e2e/engines/${engine}-*; Chromium only:\n` +
      `  faults (project): fault injection over CDP and Chromium switches\n${lines.join('\n')}`,
  );
}

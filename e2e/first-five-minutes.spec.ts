/**
 * The first five minutes of a new user, scripted: a fresh Vite app, the README's install line
 * (with the packed tarball in place of the package name, which is what the registry would
 * serve), the README's example pasted into src/main.ts, type-checked as the vanilla-ts template
 * would, then run under `vite` (dev) and from `vite build` + `vite preview`: it must print what
 * the README says, and count one more visit after a reload, because the data was stored.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { quotedBlocks, root } from '../scripts/sync-examples.mjs';
import {
  collectLogs,
  createConsumerApp,
  packedTarball,
  serveBuild,
  serveDev,
  type AppServer,
  type ConsumerApp,
} from './support/consumer-app.js';

const require = createRequire(import.meta.url);
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = quotedBlocks(readme);
/** The README's example and the console output it shows. */
const example = blocks.find((b) => b.kind === 'example');
const shown = blocks.find((b) => b.kind === 'output' && b.path === example?.path);
/** The README's install line for the example: the last `npm install larder-kit …` before it. */
const installLine =
  [...readme.slice(0, readme.indexOf('<!-- example:')).matchAll(/^npm install (larder-kit(?: [^\n#]*)?)$/gm)]
    .at(-1)?.[1]
    ?.trim() ?? '';

/** What `npm create vite@latest my-app -- --template vanilla-ts` leaves that the example needs. */
const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>my-app</title>
  </head>
  <body>
    <div id="app"></div>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`;
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    useDefineForClassFields: true,
    module: 'ESNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ['src'],
};

let app: ConsumerApp | undefined;

test.beforeAll(() => {
  test.setTimeout(300_000);
  expect(example, 'the README quotes an example').toBeDefined();
  expect(shown, "the README shows the example's output").toBeDefined();
  expect(installLine, 'the README has an `npm install larder-kit …` line').not.toBe('');
  app = createConsumerApp('first-five-minutes');
  app.write('index.html', INDEX_HTML);
  app.write('tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  app.write('src/main.ts', `${example?.text}\n`);
  const tarball = packedTarball();
  app.npm(['install', ...installLine.split(/\s+/).map((arg) => (arg === 'larder-kit' ? tarball : arg))]);
  const installed = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  expect(Object.keys(installed.dependencies ?? {})).toContain('larder-kit');
});

test.afterAll(() => app?.remove());

test('the pasted example type-checks against the installed package', () => {
  // The project's own TypeScript, on the app's files and what the app installed.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app?.dir ?? ''], {
    stdio: 'pipe',
  });
});

/** Opens the app, checks what it prints, reloads, and checks that the visit was remembered. */
async function firstVisits(page: Page, server: AppServer): Promise<void> {
  const logs = collectLogs(page);
  // What went wrong, if anything does: the page's errors, for the failure message.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const lines = shown?.text.split('\n') ?? [];
  expect(shown?.text, 'the README shows a first visit').toContain('visit 1');
  await page.goto(server.url);
  await expect
    .poll(() => logs().length, { timeout: 60_000, message: `first visit; errors: ${errors.join(' | ')}` })
    .toBeGreaterThanOrEqual(lines.length);
  expect(logs().join('\n')).toBe(shown?.text);
  await page.reload();
  await expect
    .poll(() => logs().length, { timeout: 60_000, message: `after a reload; errors: ${errors.join(' | ')}` })
    .toBeGreaterThanOrEqual(lines.length);
  expect(logs().join('\n')).toBe(shown?.text.replace('visit 1', 'visit 2'));
}

for (const mode of ['dev', 'build'] as const) {
  test(`the README's example prints what the README says, ${mode === 'dev' ? 'under vite (dev)' : 'from vite build'}`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const server = mode === 'dev' ? await serveDev(app?.dir ?? '') : await serveBuild(app?.dir ?? '');
    try {
      await firstVisits(page, server);
    } finally {
      await server.close();
    }
  });
}

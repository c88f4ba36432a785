/**
 * The docs' examples cannot rot: every example that README.md and docs/ quote is a file under
 * docs/examples/ (type-checked by `npm run typecheck`), quoted verbatim, and run here in
 * Chromium against the packed package, under Vite's dev server and in a production build, where
 * it must print exactly the output the docs show.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { markdownFiles, quotedBlocks, root } from '../scripts/sync-examples.mjs';
import {
  collectLogs,
  createConsumerApp,
  installedSpec,
  packedTarball,
  serveBuild,
  serveDev,
  type AppServer,
  type ConsumerApp,
} from './support/consumer-app.js';

const examples = readdirSync(join(root, 'docs/examples'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `docs/examples/${f}`);

/** Every quoted block of the docs, with the markdown file that holds it. */
const blocks = markdownFiles().flatMap((file) =>
  quotedBlocks(readFileSync(join(root, file), 'utf8')).map((block) => ({ ...block, file })),
);

test('every example block in the docs is its file, verbatim (npm run docs:examples updates them)', () => {
  const quoted = blocks.filter((b) => b.kind === 'example');
  expect(quoted.length).toBeGreaterThanOrEqual(examples.length);
  for (const block of quoted) {
    const file = readFileSync(join(root, block.path), 'utf8').trimEnd();
    expect(block.text, `${block.file} quotes ${block.path}`).toBe(file);
  }
  // An example no doc quotes, or whose output no doc shows, would be run for nothing.
  for (const example of examples) {
    expect(
      quoted.some((b) => b.path === example),
      `${example} is quoted`,
    ).toBe(true);
    expect(
      blocks.some((b) => b.kind === 'output' && b.path === example),
      `${example} has its output shown`,
    ).toBe(true);
  }
});

// One app for both modes: the examples and the packed package installed once, served by the dev
// server, then built.
let app: ConsumerApp | undefined;
test.beforeAll(() => {
  test.setTimeout(300_000);
  app = createConsumerApp('docs-examples');
  cpSync(join(root, 'e2e/fixtures/examples-app'), app.dir, { recursive: true });
  mkdirSync(join(app.dir, 'examples'));
  for (const example of examples) cpSync(join(root, example), join(app.dir, 'examples', basename(example)));
  app.npm([
    'install',
    packedTarball(),
    installedSpec('@automerge/automerge'),
    installedSpec('@automerge/automerge-repo'),
    installedSpec('yjs'),
  ]);
});
test.afterAll(() => app?.remove());

for (const mode of ['dev', 'build'] as const) {
  test.describe(`docs examples, ${mode === 'dev' ? "Vite's dev server" : 'a production build'}`, () => {
    let server: AppServer | undefined;

    test.beforeAll(async () => {
      test.setTimeout(300_000);
      const dir = app?.dir ?? '';
      server = mode === 'dev' ? await serveDev(dir) : await serveBuild(dir);
    });

    test.afterAll(async () => {
      await server?.close();
    });

    for (const example of examples) {
      const name = basename(example, '.ts');
      test(`${name} prints what its guide shows`, async ({ page }) => {
        const logs = collectLogs(page);
        await page.goto(`${server?.url}?example=${name}`);
        await expect(page.locator('#status')).not.toHaveText('pending', { timeout: 60_000 });
        expect(await page.locator('#status').textContent()).toBe('done');
        const printed = logs().join('\n');
        for (const block of blocks.filter((b) => b.kind === 'output' && b.path === example)) {
          expect(printed, `the output ${block.file} shows`).toBe(block.text);
        }
      });
    }
  });
}

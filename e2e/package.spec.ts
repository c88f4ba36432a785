import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';
import { packedTarball } from './support/consumer-app.js';

// The package as a user gets it: `npm pack`, installed into a throwaway Vite app that imports
// `larder-kit` by name, built with no larder-specific configuration, run in Chromium.

const root = resolve(import.meta.dirname, '..');

test('the packed package works in a fresh Vite app with the default worker engine', async ({ page }) => {
  test.setTimeout(180_000);
  const work = mkdtempSync(join(tmpdir(), 'larder-consumer-'));
  let server: PreviewServer | undefined;
  try {
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, {
        cwd,
        stdio: 'pipe',
        env: { ...process.env, npm_config_loglevel: 'error' },
      });
    // Packed once per change of the sources, and shared with the other specs that install it.
    const tarball = packedTarball();

    const app = join(work, 'app');
    cpSync(join(root, 'e2e/fixtures/consumer-app'), app, { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
    );
    // idb and comlink come from the npm cache that the project's own install filled.
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);

    await build({ root: app, logLevel: 'error', configFile: false, build: { outDir: join(app, 'dist') } });
    server = await preview({
      root: app,
      configFile: false,
      logLevel: 'error',
      build: { outDir: join(app, 'dist') },
      preview: { host: '127.0.0.1', port: 0 },
    });
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeDefined();

    await page.goto(url as string);
    await expect(page.locator('#result')).not.toHaveText('pending', { timeout: 30_000 });
    const result: unknown = JSON.parse((await page.locator('#result').textContent()) ?? '');
    expect(result).toEqual({ changes: [[1, 2, 3]], closedCode: 'closed' });
    // The worker engine really ran in a worker: the bundle emitted a separate worker chunk.
    const assets = readdirSync(join(app, 'dist/assets'));
    expect(assets.some((f) => /worker/i.test(f))).toBe(true);
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
});

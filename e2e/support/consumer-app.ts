import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { build, createServer, preview } from 'vite';
import { packOnce } from '../../scripts/pack.mjs';

// A throwaway app that uses the package as a user gets it: the tarball `npm publish` would
// upload (packed once per change of the sources, shared by every spec), installed by npm next to
// the other packages the app needs, served by Vite with no larder-specific configuration. Vite
// itself is the repository's own copy, the same version a user's `npm create vite` would give.

const root = resolve(import.meta.dirname, '../..');

/** A Vite app in a temporary directory. */
export interface ConsumerApp {
  /** The app's directory. */
  dir: string;
  /** Runs npm in the app, quietly, preferring the cache that the project's own install filled. */
  npm(args: string[]): void;
  /** Writes `text` to `path`, relative to the app. */
  write(path: string, text: string): void;
  /** Removes the app. */
  remove(): void;
}

/** Creates an empty app: a package.json as `npm create vite` leaves it, nothing installed. */
export function createConsumerApp(prefix: string): ConsumerApp {
  const dir = mkdtempSync(join(tmpdir(), `larder-${prefix}-`));
  const app: ConsumerApp = {
    dir,
    npm: (args) => {
      execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: 'pipe',
        env: { ...process.env, npm_config_loglevel: 'error' },
      });
    },
    write: (path, text) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  app.write(
    'package.json',
    `${JSON.stringify({ name: `${prefix}-app`, private: true, version: '0.0.0', type: 'module' }, null, 2)}\n`,
  );
  return app;
}

/**
 * The path of the packed package, built and packed at most once per change of the sources, or
 * the tarball that LARDER_TARBALL names (to run these specs against a package packed earlier).
 */
export function packedTarball(): string {
  return process.env['LARDER_TARBALL'] ?? packOnce();
}

/** `name@version` of a package as the repository has it installed: the npm cache holds it. */
export function installedSpec(name: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return `${name}@${manifest.version}`;
}

/** A server of the app, and the address of its root page. */
export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the app with Vite's dev server, as `npx vite` would. */
export async function serveDev(dir: string): Promise<AppServer> {
  const server = await createServer({
    root: dir,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('the dev server has no address');
  return { url, close: () => server.close() };
}

/** Builds the app and serves the build, as `npx vite build && npx vite preview` would. */
export async function serveBuild(dir: string): Promise<AppServer> {
  const outDir = join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'error', build: { outDir } });
  const server = await preview({
    root: dir,
    configFile: false,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0 },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('the preview server has no address');
  return { url, close: () => server.close() };
}

/**
 * Collects what the page logs with `console.log`, since its latest load: a page that Vite
 * reloads (as its dev server may once, after optimizing a dependency it found late) starts over.
 */
export function collectLogs(page: Page): () => string[] {
  let logs: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) logs = [];
  });
  page.on('console', (message) => {
    if (message.type() === 'log') logs.push(message.text());
  });
  return () => [...logs];
}

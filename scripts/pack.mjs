// Packs the package as `npm publish` would ship it, once per content: the tarball lands in
// .tmp/pack/<hash>/, keyed by every input of the build, so the packaging check and each e2e spec
// that installs the package share one build and one `npm pack` per change, even when they run
// in parallel processes. The build happens in a staging copy: the repository's own dist/ is
// never touched, so a pack cannot race a `npm run build` or another pack.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Files and folders that go into the build or the tarball. */
const INPUTS = [
  'package.json',
  'README.md',
  'LICENSE',
  'tsconfig.base.json',
  'tsconfig.build.json',
  'tsconfig.build-worker.json',
  'src',
  'workers',
];

function listFiles(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

/** A hash of every input's path and content. */
function inputHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => listFiles(join(root, input)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of the packed tarball of the current sources, building and packing it when
 * no pack of these exact inputs exists yet.
 */
export function packOnce() {
  const packs = join(root, '.tmp/pack');
  const done = join(packs, inputHash());
  const find = () => readdirSync(done).find((f) => f.endsWith('.tgz'));
  if (existsSync(done)) return join(done, find());
  mkdirSync(packs, { recursive: true });
  const stage = mkdtempSync(join(packs, 'stage-'));
  try {
    for (const input of INPUTS) {
      if (existsSync(join(root, input))) cpSync(join(root, input), join(stage, input), { recursive: true });
    }
    // Two passes, as scripts/build.mjs: the library against the DOM, the worker entry against
    // the WebWorker lib.
    for (const project of ['tsconfig.build.json', 'tsconfig.build-worker.json']) {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], {
        cwd: stage,
        stdio: 'inherit',
      });
    }
    const out = join(stage, 'out');
    mkdirSync(out);
    // --ignore-scripts: the staging copy has no scripts/ folder, and it is built already.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', out], {
      cwd: stage,
      stdio: 'pipe',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    try {
      renameSync(out, done);
    } catch (e) {
      // Another process packed the same inputs first: its tarball is identical, keep it.
      if (!existsSync(done)) throw e;
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  pruneOldPacks(packs, done);
  return join(done, find());
}

/** Removes packs of older sources, once nothing can still be installing them (an hour on). */
function pruneOldPacks(packs, keep) {
  for (const name of readdirSync(packs)) {
    const dir = join(packs, name);
    if (dir !== keep && Date.now() - statSync(dir).mtimeMs > 3_600_000) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

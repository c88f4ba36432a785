// Packaging checks on the tarball `npm publish` would upload: publint (the exports map, files
// and fields), "are the types wrong" (every subpath resolves to JavaScript and matching types),
// and a look at what the tarball ships. The package is ESM only, so attw's esm-only profile
// leaves out the CommonJS and node10 resolutions that such a package cannot serve.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packOnce } from './pack.mjs';

const tarball = packOnce();
console.log(`Checking ${tarball}`);

const run = (name, args) =>
  execFileSync(fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url)), args, {
    stdio: 'inherit',
  });

run('publint', ['--strict', tarball]);
run('attw', ['--profile', 'esm-only', tarball]);

// What a user downloads: the build, its sources for the source maps, the license and README;
// no tests, benchmarks or demo.
const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
const must = ['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/src/index.js'];
const missing = must.filter((f) => !files.includes(f));
const stray = files.filter((f) => !/^package\/(dist|src|workers)\/|^package\/[^/]+$/.test(f));
if (missing.length > 0 || stray.length > 0) {
  console.error(`The tarball misses ${JSON.stringify(missing)} and ships ${JSON.stringify(stray)}`);
  process.exit(1);
}
console.log(`The tarball ships ${files.length} files.`);

// Builds the package: ESM and .d.ts for src/ and workers/ into dist/, keeping their layout, so
// that `new URL('../../workers/larder.worker.js', import.meta.url)` in the client finds the
// worker in the installed package as it does in the source tree.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
// Two passes: the library against the DOM, the worker entry against the WebWorker lib.
for (const project of ['tsconfig.build.json', 'tsconfig.build-worker.json']) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], {
    stdio: 'inherit',
    cwd: new URL('..', import.meta.url),
  });
}

// `npm run bench`: builds bench/page.html with Vite and serves it on 127.0.0.1, drives Chromium
// through Playwright, runs every case of every suite under bench/suites/ interleaved and rotated
// over several repetitions after a warm-up, and writes the report to bench/results/.
//
//   npm run bench -- --reps=5 --warmup=1 --suite=persister --changes=10000 --scaleMax=1000000
//
// The options are in HELP below (`npm run bench -- --help`). Without --out the report goes to
// bench/results/local/ (ignored by git), so a quick run never overwrites the tracked results
// that the README cites; --out=<stem> writes bench/results/<stem>.*.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from '@playwright/test';
import { build, createServer, preview, runnerImport } from 'vite';
import { summarize, writeReport } from './report.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');

const RUNNER_STRINGS = ['suite', 'workload', 'contender', 'out', 'serve', 'ref', 'browser'];
const RUNNER_NUMBERS = { reps: 5, warmup: 1, port: 5180, timeout: 900 };

const HELP = `Usage: npm run bench -- [--key=value ...]

Runner options:
  --suite=a,b         suites to run: file names under bench/suites/ (default: all)
  --workload=W1,W3    workloads whose name contains one of these (default: all)
  --contender=larder  contenders whose name contains one of these (default: all)
  --reps=5            timed repetitions, after --warmup=1 untimed ones
  --serve=build       'build' (a production build, default) or 'dev' (Vite's dev server)
  --ref=<commit>      bench a committed tree instead of the working tree
  --out=<stem>        write bench/results/<stem>.md/.json (tracked: the README cites latest);
                      without it the report goes to bench/results/local/ (ignored by git)
  --port=5180         the preview server's port, or the next free one
  --timeout=900       seconds allowed per phase of a case
  --headed            show the browser
  --browser=chromium  'chromium' (default) or 'firefox' (Firefox ESR through e2e/engines/firefox-bidi-relay.mjs)
  --help              print this and exit

Every other --key=number goes to the suites, e.g. --changes=10000 --batch=100 --scaleMax=1000000
(see bench/README.md for each suite's options).

Example, a quick run of one small suite:
  npm run bench -- --suite=baseline --reps=1 --warmup=0`;

/** Splits `--key=value` arguments into runner settings and suite options. */
function parseArgs(argv) {
  const runner = {
    ...RUNNER_NUMBERS,
    suite: '',
    workload: '',
    contender: '',
    out: '',
    serve: 'build',
    ref: '',
    browser: 'chromium',
    headed: false,
  };
  const options = {};
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg === '-h' ? '--help' : arg);
    if (m === null) throw new Error(`unexpected argument ${arg}: options are --key=value`);
    const [, key, value] = m;
    if (key === 'help') runner.help = true;
    else if (key === 'headed') runner.headed = value === undefined || value !== 'false';
    else if (RUNNER_STRINGS.includes(key)) runner[key] = value ?? '';
    else {
      const n = Number(value?.replace(/_/g, ''));
      if (value === undefined || !Number.isFinite(n)) throw new Error(`--${key} needs a number`);
      if (key in RUNNER_NUMBERS) runner[key] = n;
      else options[key] = n;
    }
  }
  return { runner, options };
}

const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function withTimeout(promise, seconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const DEPS = [
  'idb',
  'comlink',
  'idb-keyval',
  'dexie',
  'yjs',
  'y-indexeddb',
  '@automerge/automerge/slim',
  '@automerge/automerge/automerge.wasm.base64',
  '@automerge/automerge-repo-storage-indexeddb',
  '@automerge/automerge-repo/slim',
];

/**
 * Serves the bench page on 127.0.0.1: by default a production build (what an app ships: the
 * worker is one file, not a waterfall of dev-server modules, which matters for start-up),
 * frozen when the run starts although other files in the tree keep changing; with
 * `--serve=dev`, Vite's dev server, quicker to iterate with.
 */
/** The bench page's address on the port the server got: the next free one if `port` is taken. */
function pageUrl(server) {
  const address = server.httpServer.address();
  return `http://127.0.0.1:${address.port}/bench/page.html`;
}

/**
 * Serves the build's content-hashed files (`assets/`) as a deployed app does, cacheable for a
 * year: a reload then loads them from the HTTP cache, with V8's code cache, rather than fetching
 * and compiling them again (Vite's preview server sends no Cache-Control). The page itself is
 * not cached.
 */
function cacheHashedAssets() {
  return {
    name: 'bench-cache-hashed-assets',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.includes('/assets/'))
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        next();
      });
    },
  };
}

async function startServer(mode, port, source) {
  const common = {
    configFile: false,
    root: source,
    logLevel: 'warn',
    clearScreen: false,
    worker: { format: 'es' },
  };
  if (mode === 'dev') {
    const server = await createServer({
      ...common,
      // A cache of its own, so that the other dev servers in this tree never re-optimize under it.
      cacheDir: join(root, 'node_modules/.vite-bench'),
      // No HMR and no watcher: a file saved elsewhere in the tree must not reload the page mid-run.
      server: { host: '127.0.0.1', port, strictPort: false, hmr: false, watch: null },
      // Listed up front so that Vite never re-optimizes them mid-run and reloads the page.
      optimizeDeps: { entries: ['bench/page.html'], include: DEPS },
    });
    await server.listen();
    return { url: pageUrl(server), close: () => server.close() };
  }
  if (mode !== 'build') throw new Error(`--serve is 'build' or 'dev', not ${mode}`);
  // One directory per run: two runs at once must not rebuild each other's pages.
  const outDir = join(root, '.tmp', `bench-dist-${process.pid}`);
  await build({
    ...common,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1e9,
      rollupOptions: { input: join(source, 'bench/page.html') },
    },
  });
  const server = await preview({
    ...common,
    plugins: [cacheHashedAssets()],
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: false },
  });
  return {
    url: pageUrl(server),
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

/**
 * The tree to build: the working tree, or with `--ref` a commit exported by `git archive` into
 * .tmp/ (its modules still resolve from this repository's node_modules), so a run measures
 * committed code even while others are editing the working tree.
 */
async function checkout(ref) {
  if (ref === '') {
    const dirty = git('status', '--porcelain', '--', 'src', 'workers', 'bench') !== '';
    return { source: root, commit: `${git('rev-parse', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}` };
  }
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const source = join(root, '.tmp/bench-src', sha);
  if (!existsSync(join(source, 'package.json'))) {
    await mkdir(source, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C '${source}'`], { cwd: root });
  }
  return { source, commit: sha };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\nRun \`npm run bench -- --help\` for the options.`);
    process.exitCode = 2;
    return;
  }
  const { runner, options } = parsed;
  const args = process.argv.slice(2);
  runner.command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  if (runner.help) {
    console.log(HELP);
    return;
  }
  const started = new Date();
  const loadStart = loadavg();
  const { module: pw } = await runnerImport(join(root, 'playwright.config.ts'));
  const { source, commit } = await checkout(runner.ref);
  const server = await startServer(runner.serve, runner.port, source);
  // A profile on disk: a Playwright incognito context keeps IndexedDB in memory, which would
  // make every durability figure meaningless.
  const profile = await mkdtemp(join(tmpdir(), 'larder-bench-'));
  if (runner.browser !== 'chromium' && runner.browser !== 'firefox') {
    throw new Error(`--browser is 'chromium' or 'firefox', not ${runner.browser}`);
  }
  const context =
    runner.browser === 'firefox'
      ? await firefox.launchPersistentContext(profile, {
          channel: 'moz-firefox',
          executablePath: join(root, 'e2e/engines/firefox-bidi-relay.mjs'),
          headless: !runner.headed,
        })
      : await chromium.launchPersistentContext(profile, {
          executablePath: pw.chromiumPath,
          headless: !runner.headed,
          args: [
            ...pw.chromiumArgs,
            '--js-flags=--expose-gc',
            '--disable-background-timer-throttling',
            '--disable-renderer-backgrounding',
            '--disable-backgrounding-occluded-windows',
          ],
        });
  try {
    await benchmark(context, server.url, runner, options, { started, loadStart, commit });
  } finally {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function benchmark(context, url, runner, options, { started, loadStart, commit }) {
  let page = context.pages()[0] ?? (await context.newPage());
  const watch = (p) => {
    p.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') console.error(`  console: ${m.text()}`);
    });
  };
  watch(page);

  /** Calls one function of the page's `larderBench`, with the runner's time limit. */
  const call = async (fn, ...args) => {
    try {
      return await withTimeout(
        page.evaluate(([f, a]) => globalThis.larderBench[f](...a), [fn, args]),
        runner.timeout,
        fn,
      );
    } catch (e) {
      // A hung or crashed page: start over in a new one.
      await page.close().catch(() => undefined);
      page = await context.newPage();
      watch(page);
      return { ok: false, error: String(e?.message ?? e) };
    }
  };
  const only = list(runner.suite);
  /** Loads the page afresh: a clean heap, no leftover workers, connections or timers. */
  const freshPage = async () => {
    // A navigation can fail on a busy machine; try again before failing the case.
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(page.goto(url, { waitUntil: 'load' }), runner.timeout, 'page load');
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        console.error(`  page load failed (${String(e?.message ?? e).split('\n')[0]}), retrying`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await page.waitForFunction(() => globalThis.larderBench !== undefined, undefined, { timeout: 60_000 });
    const loaded = await call('load', options, only);
    if (!loaded.ok) throw new Error(`loading the suites failed: ${loaded.error}`);
    return loaded.value;
  };

  const suites = await freshPage();
  const userAgent = await page.evaluate(() => globalThis.navigator.userAgent);
  for (const s of suites) if (s.error) console.error(`suite ${s.file} not loaded:\n${s.error}`);
  const workloadFilter = list(runner.workload);
  const contenderFilter = list(runner.contender);
  const match = (filter, s) =>
    filter.length === 0 || filter.some((f) => s.toLowerCase().includes(f.toLowerCase()));
  const cases = suites
    .flatMap((s) => s.cases)
    .filter((c) => match(workloadFilter, c.workload) && match(contenderFilter, c.contender));
  if (cases.length === 0) throw new Error('no case to run: check --suite, --workload and --contender');

  // Cases of one workload run back to back, in an order rotated every repetition.
  const groups = new Map();
  for (const c of cases) {
    const key = JSON.stringify([c.suite, c.workload]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  const records = new Map(cases.map((c) => [c.id, { info: c, samples: [], errors: [] }]));
  /** The 1-minute load average after every case: the report says whether the machine was quiet. */
  const loadDuring = [];

  for (let rep = -runner.warmup; rep < runner.reps; rep++) {
    const label =
      rep < 0 ? `warm-up ${rep + runner.warmup + 1}/${runner.warmup}` : `rep ${rep + 1}/${runner.reps}`;
    const pass = rep + runner.warmup;
    for (const group of groups.values()) {
      const order = group.map((_, i) => group[(i + pass) % group.length]);
      for (const c of order) {
        const record = records.get(c.id);
        const result = await sampleOnce(c, freshPage, call);
        loadDuring.push(loadavg()[0]);
        const where = `[${label}] ${c.workload} · ${c.contender}`;
        if (!result.ok) {
          record.errors.push(`${label}: ${result.error}`);
          console.error(`${where}: FAILED\n  ${result.error.split('\n').slice(0, 6).join('\n  ')}`);
          continue;
        }
        const s = result.value;
        if (rep >= 0) record.samples.push(s);
        console.error(
          `${where}: ${s.ms.toFixed(1)} ms, ${s.ops} ops, gap ${s.maxGapMs.toFixed(1)} ms, long tasks ${s.longTasks}`,
        );
      }
    }
  }

  const summary = summarize({
    started,
    finished: new Date(),
    userAgent,
    runner,
    options,
    suites,
    records: [...records.values()],
    loadStart,
    loadDuring,
    commit,
  });
  const tracked = runner.out !== '';
  const dir = join(root, tracked ? 'bench/results' : 'bench/results/local');
  const table = await writeReport(summary, dir, tracked ? runner.out : 'latest');
  console.log(table);
  console.log(
    `\nReport written to ${dir}${tracked ? '' : ' (untracked; --out=<stem> writes bench/results/)'}`,
  );
}

/** One measurement: a fresh page, setup, a reload if the case asks, run, teardown. */
async function sampleOnce(c, freshPage, call) {
  const ensure = async () => {
    const suites = await freshPage();
    if (!suites.some((s) => s.cases.some((x) => x.id === c.id))) {
      throw new Error(`case ${c.id} is gone from the page`);
    }
  };
  try {
    await ensure();
    const setup = await call('setup', c.id);
    if (!setup.ok) {
      await call('teardown', c.id);
      return { ok: false, error: `setup: ${setup.error}` };
    }
    if (c.reload) await ensure();
    const run = await call('run', c.id);
    const teardown = await call('teardown', c.id);
    if (!run.ok) return { ok: false, error: `run: ${run.error}` };
    if (!teardown.ok) return { ok: false, error: `teardown: ${teardown.error}` };
    return run;
  } catch (e) {
    return { ok: false, error: String(e?.stack ?? e) };
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

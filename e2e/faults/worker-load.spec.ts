/**
 * Fault: the engine's worker never starts. Its script 404s, does not parse, throws while it
 * loads, is refused by the page's CSP, or is a caller's worker that serves nothing. openStore
 * must reject with 'engine-lost' within its 2 s start timeout rather than hang (issue 12,
 * finding 1), and create no database.
 */
import { expect, test, type Page } from '@playwright/test';
import { uniqueName } from '../support/harness.js';
import { dbNameOf, openFaultPage, report } from './support/fault-fixture.js';

/** openStore's default start timeout, and the slack a loaded 2-core machine may add to it. */
const START_TIMEOUT_MS = 2000;
const SLACK_MS = 1000;

/** The kit's own worker script, as Vite serves it (`?worker_file`) and as a bundle names it. */
const KIT_WORKER = '**/workers/larder.worker*';

/** Opens a store the way `open` says, and reports how openStore ended and what it created. */
async function tryOpen(page: Page, name: string, open: 'kit' | 'silent-worker' | 'missing-worker' | 'port') {
  return page.evaluate(
    async ({ name, open, within, dbName }) => {
      const { fp, larder } = window;
      let refused = 0;
      document.addEventListener('securitypolicyviolation', (e) => {
        if (e.effectiveDirective === 'worker-src') refused++;
      });
      let engine: Worker | MessagePort | undefined;
      if (open === 'silent-worker') {
        engine = new Worker('/e2e/faults/fixtures/silent-worker.ts', { type: 'module' });
      } else if (open === 'missing-worker') {
        engine = new Worker('/e2e/faults/fixtures/no-such-worker.js', { type: 'module' });
      } else if (open === 'port') {
        // A port whose other end nobody serves: the caller forgot to hand port2 to a worker.
        engine = new MessageChannel().port1;
      }
      const outcome = await fp.attempt(
        () => larder.openStore(name, engine === undefined ? {} : { engine }),
        within,
      );
      if (outcome.state === 'resolved') {
        // Not expected; close what it opened so the test leaves nothing behind.
        await fp.settle(larder.deleteStore(name), 5000);
      }
      if (engine instanceof Worker) engine.terminate();
      return { outcome, created: await fp.databaseExists(dbName), refusedByCsp: refused };
    },
    { name, open, within: START_TIMEOUT_MS + SLACK_MS, dbName: dbNameOf(name) },
  );
}

/** The expectation every case shares: a prompt 'engine-lost', and no database made. */
function expectEngineLost(
  what: string,
  result: { outcome: Awaited<ReturnType<typeof tryOpen>>['outcome']; created: boolean },
) {
  report(what, result);
  const { outcome } = result;
  expect(outcome.state, `openStore ${outcome.state} after ${'ms' in outcome ? outcome.ms : 0} ms`).toBe(
    'rejected',
  );
  if (outcome.state !== 'rejected') return;
  expect(outcome.error).toMatchObject({ isStoreError: true, code: 'engine-lost' });
  expect(outcome.error.message).not.toBe('');
  expect(result.created).toBe(false);
}

test.describe("the engine's worker fails to start: openStore rejects 'engine-lost'", () => {
  test("the kit's worker script answers 404", async ({ page }) => {
    await page.route(KIT_WORKER, (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openFaultPage(page);
    expectEngineLost('404 worker script', await tryOpen(page, uniqueName('load-404'), 'kit'));
  });

  test("the kit's worker script does not parse", async ({ page }) => {
    await page.route(KIT_WORKER, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: 'export const = ;(' }),
    );
    await openFaultPage(page);
    expectEngineLost('unparsable worker script', await tryOpen(page, uniqueName('load-parse'), 'kit'));
  });

  test("the kit's worker script throws while it loads", async ({ page }) => {
    await page.route(KIT_WORKER, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/javascript',
        body: 'throw new Error("the worker failed at start");',
      }),
    );
    await openFaultPage(page);
    expectEngineLost('worker script that throws', await tryOpen(page, uniqueName('load-throw'), 'kit'));
  });

  test("the page's CSP (worker-src 'none') refuses the kit's worker", async ({ page }) => {
    await openFaultPage(page, '/e2e/faults/fixtures/csp-harness.html');
    const result = await tryOpen(page, uniqueName('load-csp'), 'kit');
    expectEngineLost('CSP worker-src none', result);
    // The fault is real only if the browser did refuse the worker.
    expect(result.refusedByCsp, 'the browser reports the worker-src violation').toBeGreaterThan(0);
  });

  test("a caller's Worker that never serves larder", async ({ page }) => {
    await openFaultPage(page);
    expectEngineLost('silent caller worker', await tryOpen(page, uniqueName('load-silent'), 'silent-worker'));
  });

  test("a caller's Worker whose script answers 404", async ({ page }) => {
    await page.route('**/e2e/faults/fixtures/no-such-worker.js', (route) =>
      route.fulfill({ status: 404, body: 'Not Found' }),
    );
    await openFaultPage(page);
    expectEngineLost(
      '404 caller worker',
      await tryOpen(page, uniqueName('load-caller-404'), 'missing-worker'),
    );
  });

  test("a caller's MessagePort that nobody serves", async ({ page }) => {
    await openFaultPage(page);
    expectEngineLost('unserved MessagePort', await tryOpen(page, uniqueName('load-port'), 'port'));
  });

  test('startTimeoutMs shortens the wait for a worker that never serves', async ({ page }) => {
    await openFaultPage(page);
    const name = uniqueName('load-timeout');
    const result = await page.evaluate(
      async ({ name, dbName }) => {
        const { fp, larder } = window;
        const engine = new Worker('/e2e/faults/fixtures/silent-worker.ts', { type: 'module' });
        // Well inside the default 2 s: a rejection in this window proves the option was used.
        const outcome = await fp.attempt(() => larder.openStore(name, { engine, startTimeoutMs: 300 }), 1500);
        engine.terminate();
        return { outcome, created: await fp.databaseExists(dbName) };
      },
      { name, dbName: dbNameOf(name) },
    );
    expectEngineLost('startTimeoutMs 300 on a silent worker', result);
  });
});

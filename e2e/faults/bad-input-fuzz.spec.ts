/**
 * Fault: hostile input to every public method of every contract (null, NaN, -1, 2 ** 53, '1'
 * for a number, null-prototype objects, Proxies, detached arrays, sparse arrays, throwing
 * getters, huge arrays with one bad element). Each call must end in
 * `StoreError('invalid-argument')`, as a rejected promise for a method that returns one and
 * as a throw for a synchronous one, and write nothing (issue 12, finding 8).
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { openFaultPage, report } from './support/fault-fixture.js';
import type * as FuzzCases from './support/fuzz-cases.js';

for (const engine of ENGINES) {
  test(`every public method rejects hostile input with 'invalid-argument' and writes nothing (${engine})`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await openFaultPage(page);
    const result = await page.evaluate(
      async ({ name, engine }) => {
        const url = '/e2e/faults/support/fuzz-cases.ts';
        const fuzz = (await import(url)) as typeof FuzzCases;
        return fuzz.runFuzz(name, engine);
      },
      { name: uniqueName('fuzz'), engine },
    );
    report(`bad-input fuzz (${engine})`, {
      calls: result.calls,
      methods: result.methods,
      keySpace: result.keySpace,
      failures: result.failures.length,
      wrote: result.wrote,
      created: result.created,
      badControls: result.badControls,
    });

    expect(result.badControls, 'every method accepts its valid arguments (the fixture is right)').toEqual([]);
    expect(result.failures, "calls that did not end in StoreError('invalid-argument')").toEqual([]);
    expect(result.wrote, 'methods whose bad calls wrote to the database').toEqual([]);
    expect(result.created, 'databases that bad calls created').toEqual([]);
  });
}

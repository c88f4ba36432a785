import { test, type Page } from '@playwright/test';
import type * as FaultPage from './fault-page.js';

declare global {
  interface Window {
    /** The page-side helpers of the fault suite. */
    fp: typeof FaultPage;
  }
}

/**
 * Opens `path` (the test harness by default), which puts larder's public entry on
 * `window.larder`, and loads the page-side fault helpers as `window.fp`.
 */
export async function openFaultPage(page: Page, path = '/e2e/harness.html'): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => typeof window.larder !== 'undefined');
  await loadFaultHelpers(page);
}

/** Loads the page-side fault helpers as `window.fp` into a page that already has larder. */
export async function loadFaultHelpers(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const url = '/e2e/faults/support/fault-page.ts';
    window.fp = (await import(url)) as typeof window.fp;
  });
}

/**
 * Says what a fault test tried and what survived: printed, and attached to the test's report,
 * so a run shows the outcome of each fault, passing or not.
 */
export function report(what: string, detail: unknown): void {
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1).replace(/\n\s*/g, ' ');
  console.log(`[fault] ${what}: ${text}`);
  test.info().annotations.push({ type: what, description: text });
}

/** The IndexedDB database name of the larder store `name`. */
export function dbNameOf(name: string): string {
  return `larder:${name}`;
}

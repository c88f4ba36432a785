import type { Page } from '@playwright/test';
import type * as Larder from '../../src/index.js';

declare global {
  interface Window {
    larder: typeof Larder;
  }
}

/** The engines every contract suite runs over. */
export const ENGINES = ['worker', 'inline'] as const;
export type EngineName = (typeof ENGINES)[number];

/** Opens the harness page, which puts larder's public entry on `window.larder`. */
export async function openHarness(page: Page): Promise<void> {
  await page.goto('/e2e/harness.html');
  await page.waitForFunction(() => typeof window.larder !== 'undefined');
}

let counter = 0;
/** A store name no other test uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

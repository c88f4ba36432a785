// Prints "N passed, M failed" from Playwright's JSON report.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/results.json';
if (!existsSync(file)) {
  console.log('0 passed, 0 failed (no Playwright report: the suite did not run)');
  process.exit(0);
}
const { stats } = JSON.parse(readFileSync(file, 'utf8'));
const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
console.log(`${stats.expected ?? 0} passed, ${failed} failed`);

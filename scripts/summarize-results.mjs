// Prints "N passed, M failed" summed over Playwright's JSON reports (the main run's and the
// WebKit run's, e2e/engines/webkit.config.ts), with a line per report.
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/results.json'];
let passed = 0;
let failed = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`${file}: no Playwright report (that run did not happen)`);
    continue;
  }
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  const bad = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
  console.log(`(${file}: ${stats.expected ?? 0} passed and ${bad} failed)`);
  passed += stats.expected ?? 0;
  failed += bad;
}
console.log(`${passed} passed, ${failed} failed`);

import type { BenchSuite } from '../suite.js';

const IDLE_MS = 1000;

function idle(): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(1), IDLE_MS));
}

/**
 * The noise floor of the main-thread figures: a second of doing nothing, in a page that has
 * been up for a while and right after a reload (where every cold-load case runs). Gaps and
 * long tasks here come from the machine and the page, not from any storage layer.
 */
const suite: BenchSuite = {
  name: 'baseline',
  cases: () => [
    { workload: 'idle 1 s', contender: 'nothing', reference: true, run: idle },
    { workload: 'idle 1 s after a reload', contender: 'nothing', reference: true, reload: true, run: idle },
  ],
};

export default suite;

/**
 * The shape of a benchmark suite. Suites run inside Chromium (imported by the bench page);
 * `npm run bench` (bench/run.mjs) repeats, interleaves and rotates their cases, and reports
 * medians with min–max and ratios to the case marked `reference` of the same workload.
 */

/** Sizes and knobs a suite may read, from `npm run bench -- --key=value`. */
export type BenchOptions = Readonly<Record<string, number>>;

/** One contender on one workload. */
export interface BenchCase {
  /** What is measured, e.g. 'consensus compare-and-set'. Cases of one workload are compared. */
  workload: string;
  /** Who does it, e.g. 'larder worker', 'raw IndexedDB'. */
  contender: string;
  /** True for the contender whose throughput the others are divided by. */
  reference?: boolean;
  /** Untimed, before each timed run: fresh databases, generated data. */
  setup?(): Promise<void>;
  /** The timed part. Resolves the number of operations it did (for ops/s and µs/op). */
  run(): Promise<number>;
  /** Untimed, after each timed run: close and delete what setup made. */
  teardown?(): Promise<void>;
}

/** A module under bench/suites/ default-exports one of these. */
export interface BenchSuite {
  name: string;
  cases(options: BenchOptions): BenchCase[];
}

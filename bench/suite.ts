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
  /**
   * Cold start: the runner reloads the page between `setup` and `run`, so `run` starts with
   * nothing in memory, only what `setup` stored (then `run` and `teardown` go on in the new
   * page). Such a case shares nothing in memory between `setup` and `run`: derive database
   * names from constants, not from state kept in the closure.
   */
  reload?: boolean;
  /**
   * Plots the case as one point of a series: the runner charts, against `x` (e.g. the number
   * of stored changes), every contender's median time per operation (`plot` 'per-op', the
   * default) or in all ('total', on log scales, where a straight line of slope 1 is linear).
   */
  series?: { name: string; x: number; plot?: 'per-op' | 'total' };
}

/**
 * A target the report checks, by contender name.
 * - `speedup`: `contender` does an operation at least `atLeast` times faster than `vs` (the
 *   workload's reference when omitted) in `workload`, compared by median time per operation.
 * - `main-thread`: in every timed window of `contender` (of the listed workloads, or all), the
 *   longest gap between ticks of a 4 ms interval is at most `maxGapMs` and there are at most
 *   `maxLongTasks` long tasks. With `gapVs`, also at most the worst gap of contender `gapVs` in
 *   the same workload and run (the platform's own pauses, which no library can remove).
 * - `per-op-growth`: in `series`, the median time per operation of `contender` at the largest
 *   `x` is at most `atMost` times its time per operation at `x === from`.
 */
export type BenchGoal = { label: string } & (
  | { kind: 'speedup'; workload: string; contender: string; vs?: string; atLeast: number }
  | {
      kind: 'main-thread';
      contender: string;
      workloads?: string[];
      maxGapMs: number;
      maxLongTasks: number;
      gapVs?: string;
    }
  | { kind: 'per-op-growth'; series: string; contender: string; from: number; atMost: number }
);

/** A module under bench/suites/ default-exports one of these. */
export interface BenchSuite {
  name: string;
  /**
   * The cases to run. Every call with the same options returns the same (workload, contender)
   * pairs, each once: the runner finds a case by them again after a reload.
   */
  cases(options: BenchOptions): BenchCase[];
  /** Untimed, once per page load before any case runs (e.g. loading a wasm module). */
  init?(options: BenchOptions): Promise<void>;
  /** Targets the report checks for this suite. */
  goals?(options: BenchOptions): BenchGoal[];
}

/// <reference types="vite/client" />
/**
 * The bench page: imports the suites under bench/suites/ and runs one case phase per call from
 * bench/run.mjs, timing the `run` phase and watching the main thread while it runs.
 */
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from './suite.js';

/** A case as the runner sees it. */
export interface CaseInfo {
  id: string;
  suite: string;
  workload: string;
  contender: string;
  reference: boolean;
  reload: boolean;
  series?: { name: string; x: number };
}

/** A suite file as the runner sees it: its cases and goals, or why it could not be loaded. */
export interface SuiteInfo {
  file: string;
  name?: string;
  error?: string;
  cases: CaseInfo[];
  goals: BenchGoal[];
}

/** One timed run. */
export interface Sample {
  ms: number;
  ops: number;
  /** The longest gap between two ticks of a 4 ms interval (or the window's edges). */
  maxGapMs: number;
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BenchPage {
  load(options: BenchOptions, only: string[]): Promise<Outcome<SuiteInfo[]>>;
  setup(id: string): Promise<Outcome<null>>;
  run(id: string): Promise<Outcome<Sample>>;
  teardown(id: string): Promise<Outcome<null>>;
}

declare global {
  interface Window {
    larderBench?: BenchPage;
  }
}

const modules = import.meta.glob<{ default: BenchSuite }>('./suites/*.ts');
const cases = new Map<string, BenchCase>();

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const cause = e.cause === undefined ? '' : `\ncaused by: ${describe(e.cause)}`;
    return `${e.name}${code === undefined ? '' : ` (${String(code)})`}: ${e.message}\n${e.stack ?? ''}${cause}`;
  }
  return String(e);
}

async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
}

function caseOf(id: string): BenchCase {
  const c = cases.get(id);
  if (c === undefined) throw new Error(`no case ${id} on this page`);
  return c;
}

function basename(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.ts$/, '');
}

async function load(options: BenchOptions, only: string[]): Promise<SuiteInfo[]> {
  cases.clear();
  const out: SuiteInfo[] = [];
  for (const [path, importSuite] of Object.entries(modules)) {
    const file = basename(path);
    if (only.length > 0 && !only.includes(file)) continue;
    const info: SuiteInfo = { file, cases: [], goals: [] };
    out.push(info);
    try {
      const suite = (await importSuite()).default;
      info.name = suite.name;
      await suite.init?.(options);
      info.goals = suite.goals?.(options) ?? [];
      for (const c of suite.cases(options)) {
        const id = JSON.stringify([suite.name, c.workload, c.contender]);
        if (cases.has(id)) throw new Error(`two cases of ${c.workload} by ${c.contender}`);
        cases.set(id, c);
        info.cases.push({
          id,
          suite: suite.name,
          workload: c.workload,
          contender: c.contender,
          reference: c.reference === true,
          reload: c.reload === true,
          ...(c.series === undefined ? {} : { series: c.series }),
        });
      }
    } catch (e) {
      info.error = describe(e);
      info.cases = [];
    }
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a case's timed phase with a heartbeat and a long-task observer around it. */
async function measure(c: BenchCase): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(50);
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  let maxGapMs = 0;
  let last = performance.now();
  const beat = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 4);
  const start = performance.now();
  last = start;
  let ops: number;
  try {
    ops = await c.run();
  } finally {
    clearInterval(beat);
  }
  const end = performance.now();
  maxGapMs = Math.max(maxGapMs, end - last);
  // Long-task entries are queued after the task ends: give them time to arrive.
  await sleep(100);
  longTasks.push(...observer.takeRecords());
  observer.disconnect();
  const inWindow = longTasks.filter((t) => t.startTime < end && t.startTime + t.duration > start);
  return {
    ms: end - start,
    ops,
    maxGapMs,
    longTasks: inWindow.length,
    longTaskMs: inWindow.reduce((n, t) => n + t.duration, 0),
    longestTaskMs: inWindow.reduce((n, t) => Math.max(n, t.duration), 0),
  };
}

window.larderBench = {
  load: (options, only) => outcome(() => load(options, only)),
  setup: (id) => outcome(async () => (await caseOf(id).setup?.(), null)),
  run: (id) => outcome(() => measure(caseOf(id))),
  teardown: (id) => outcome(async () => (await caseOf(id).teardown?.(), null)),
};

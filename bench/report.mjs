// The report of `npm run bench`: medians, spreads and ratios, the suites' goals, the JSON
// results, the markdown table (bench/results/<out>.md) and the series chart (<out>'s scale.svg).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';

function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Figures of one case from its samples. */
function caseStats({ info, samples, errors }) {
  const ms = samples.map((s) => s.ms);
  const perOp = samples.map((s) => s.ms / Math.max(1, s.ops));
  return {
    suite: info.suite,
    workload: info.workload,
    contender: info.contender,
    reference: info.reference,
    reload: info.reload,
    ...(info.series === undefined ? {} : { series: info.series }),
    n: samples.length,
    ops: median(samples.map((s) => s.ops)),
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    msPerOp: median(perOp),
    opsPerSec: 1000 / median(perOp),
    medianGapMs: median(samples.map((s) => s.maxGapMs)),
    worstGapMs: Math.max(0, ...samples.map((s) => s.maxGapMs)),
    longTasks: samples.reduce((n, s) => n + s.longTasks, 0),
    longestTaskMs: Math.max(0, ...samples.map((s) => s.longestTaskMs)),
    samples,
    errors,
  };
}

function evaluateGoal(goal, cases) {
  const find = (workload, contender) =>
    cases.find((c) => c.workload === workload && c.contender === contender && c.n > 0);
  if (goal.kind === 'speedup') {
    const c = find(goal.workload, goal.contender);
    const v =
      goal.vs === undefined
        ? cases.find((x) => x.workload === goal.workload && x.reference && x.n > 0)
        : find(goal.workload, goal.vs);
    if (c === undefined || v === undefined) return { ...goal, status: 'not run' };
    const measured = v.msPerOp / c.msPerOp;
    return {
      ...goal,
      measured,
      shown: `${measured.toFixed(2)}× (${fmtMs(c.medianMs)} vs ${v.contender} ${fmtMs(v.medianMs)})`,
      target: `≥ ${goal.atLeast}×`,
      status: measured >= goal.atLeast ? 'met' : 'missed',
    };
  }
  if (goal.kind === 'main-thread') {
    const mine = cases.filter(
      (c) => c.contender === goal.contender && c.n > 0 && (goal.workloads?.includes(c.workload) ?? true),
    );
    if (mine.length === 0) return { ...goal, status: 'not run' };
    const worst = mine.reduce((a, b) => (b.worstGapMs > a.worstGapMs ? b : a));
    const longTasks = mine.reduce((n, c) => n + c.longTasks, 0);
    const withTasks = mine.filter((c) => c.longTasks > 0).map((c) => `${c.workload} (${c.longTasks})`);
    const over = mine.filter((c) => c.worstGapMs > goal.maxGapMs).map((c) => c.workload);
    // With gapVs: each workload's worst gap against that contender's in the same workload.
    const refGap = (workload) =>
      cases.find((c) => c.contender === goal.gapVs && c.workload === workload && c.n > 0)?.worstGapMs;
    const overRef =
      goal.gapVs === undefined
        ? []
        : mine
            .filter((c) => refGap(c.workload) === undefined || c.worstGapMs > refGap(c.workload))
            .map(
              (c) =>
                `${c.workload} (${c.worstGapMs.toFixed(1)} vs ${refGap(c.workload)?.toFixed(1) ?? 'not run'} ms)`,
            );
    return {
      ...goal,
      measured: { worstGapMs: worst.worstGapMs, longTasks },
      shown:
        `worst gap ${worst.worstGapMs.toFixed(1)} ms (${worst.workload}), ${longTasks} long tasks` +
        (withTasks.length > 0 ? ` in ${withTasks.join(', ')}` : '') +
        (over.length > 0 ? `; gaps over ${goal.maxGapMs} ms in ${over.join(', ')}` : '') +
        (overRef.length > 0 ? `; gaps over ${goal.gapVs}'s in ${overRef.join(', ')}` : ''),
      target:
        `gap ≤ ${goal.maxGapMs} ms` +
        (goal.gapVs === undefined ? '' : ` and ≤ ${goal.gapVs}'s in each workload`) +
        `, ≤ ${goal.maxLongTasks} long tasks`,
      status:
        worst.worstGapMs <= goal.maxGapMs && longTasks <= goal.maxLongTasks && overRef.length === 0
          ? 'met'
          : 'missed',
    };
  }
  if (goal.kind === 'per-op-growth') {
    const points = cases
      .filter((c) => c.series?.name === goal.series && c.contender === goal.contender && c.n > 0)
      .sort((a, b) => a.series.x - b.series.x);
    const at = points.find((p) => p.series.x === goal.from);
    const last = points.at(-1);
    if (at === undefined || last === undefined || last === at) return { ...goal, status: 'not run' };
    const measured = last.msPerOp / at.msPerOp;
    return {
      ...goal,
      measured,
      shown: `${measured.toFixed(2)}× (${fmtUs(last.msPerOp)} at ${last.series.x.toLocaleString('en-US')} vs ${fmtUs(at.msPerOp)})`,
      target: `≤ ${goal.atMost}×`,
      status: measured <= goal.atMost ? 'met' : 'missed',
    };
  }
  return { ...goal, status: 'unknown goal' };
}

/**
 * Whether the machine was quiet: the 1-minute load average, the bench's own load included,
 * stayed at or below the number of cores from the start to the last case. Above that, other
 * work competed for the cores and absolute times say more about the machine than the code.
 */
function loadVerdict(loadStart, loadDuring) {
  const during = loadDuring.length === 0 ? [loadavg()[0]] : loadDuring;
  const peak = Math.max(loadStart?.[0] ?? 0, ...during);
  return {
    loadAverageDuring: { min: Math.min(...during), median: median(during), max: Math.max(...during) },
    quiet: peak <= cpus().length,
  };
}

/** Turns the runner's records into the report's figures. */
export function summarize({
  started,
  finished,
  userAgent,
  runner,
  options,
  suites,
  records,
  loadStart,
  loadDuring = [],
  commit,
}) {
  const all = records.map(caseStats);
  for (const c of all) {
    const ref = all.find((r) => r.suite === c.suite && r.workload === c.workload && r.reference && r.n > 0);
    c.vsReference = ref === undefined || c.n === 0 ? null : ref.msPerOp / c.msPerOp;
  }
  return {
    started: started.toISOString(),
    finished: finished.toISOString(),
    minutes: (finished - started) / 60000,
    browser: userAgent,
    machine: {
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadStart,
      loadAverageAtEnd: loadavg(),
      ...loadVerdict(loadStart, loadDuring),
      node: process.version,
    },
    commit,
    serve: runner.serve,
    // The exact command line, so that every figure quoted from this report names its command.
    command: runner.command,
    reps: runner.reps,
    warmup: runner.warmup,
    filters: { suite: runner.suite, workload: runner.workload, contender: runner.contender },
    options,
    suites: suites.map((s) => {
      const cases = all.filter((c) => c.suite === s.name);
      return {
        file: s.file,
        name: s.name,
        ...(s.error === undefined ? {} : { error: s.error }),
        cases,
        goals: s.goals.map((g) => evaluateGoal(g, cases)),
      };
    }),
  };
}

function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function fmtUs(ms) {
  const us = ms * 1000;
  if (!Number.isFinite(us)) return '–';
  if (us >= 1000) return fmtMs(ms);
  return `${us >= 10 ? us.toFixed(1) : us.toFixed(2)} µs`;
}

function fmtRate(perSec) {
  if (!Number.isFinite(perSec)) return '–';
  if (perSec >= 10_000) return `${Math.round(perSec / 1000)}k/s`;
  if (perSec >= 1000) return `${(perSec / 1000).toFixed(1)}k/s`;
  return `${perSec.toFixed(perSec >= 10 ? 0 : 1)}/s`;
}

function caseRow(c) {
  if (c.n === 0) {
    return `| ${c.workload} | ${c.contender} | failed | | | | | | |`;
  }
  const vs = c.reference ? '1× (ref)' : c.vsReference === null ? '–' : `${c.vsReference.toFixed(2)}×`;
  const spread = `${fmtMs(c.minMs)} – ${fmtMs(c.maxMs)}`;
  const tasks = c.longTasks === 0 ? '0' : `${c.longTasks} (≤ ${c.longestTaskMs.toFixed(0)} ms)`;
  const failed = c.errors.length > 0 ? ` (${c.errors.length} failed)` : '';
  return (
    `| ${c.workload} | ${c.contender}${failed} | ${fmtMs(c.medianMs)} | ${spread} | ${fmtUs(c.msPerOp)} | ` +
    `${fmtRate(c.opsPerSec)} | ${vs} | ${c.worstGapMs.toFixed(1)} ms | ${tasks} |`
  );
}

function seriesTables(cases) {
  const names = [...new Set(cases.filter((c) => c.series).map((c) => c.series.name))];
  const out = [];
  for (const name of names) {
    const points = cases.filter((c) => c.series?.name === name);
    const xs = [...new Set(points.map((p) => p.series.x))].sort((a, b) => a - b);
    const contenders = [...new Set(points.map((p) => p.contender))];
    out.push(
      `**${name}**: median time per change (and in all) at each size`,
      '',
      `| Contender | ${xs.map((x) => x.toLocaleString('en-US')).join(' | ')} |`,
      `|---|${xs.map(() => '---:').join('|')}|`,
    );
    for (const who of contenders) {
      const cells = xs.map((x) => {
        const p = points.find((q) => q.contender === who && q.series.x === x);
        return p === undefined || p.n === 0 ? '–' : `${fmtUs(p.msPerOp)} (${fmtMs(p.medianMs)})`;
      });
      out.push(`| ${who} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}

/** One sentence on the machine's load during the run, and whether it was quiet. */
function loadSentence(m) {
  const d = m.loadAverageDuring;
  if (d === undefined) return 'The load average during the run was not recorded.';
  const range =
    `after each case it was ${d.min.toFixed(1)}–${d.max.toFixed(1)}, median ${d.median.toFixed(1)}, ` +
    "the bench's own load included";
  return m.quiet
    ? `**Quiet machine**: the 1-minute load average stayed at or below ${m.cpus}, the number of cores, ` +
        `throughout; ${range}.`
    : `**Busy machine**: the 1-minute load average went above ${m.cpus}, the number of cores; ${range}. ` +
        'Other work competed for the cores: read the ratios within this run, not the absolute times.';
}

/** The markdown report: what README.md includes. */
export function markdown(summary, chartFile) {
  const m = summary.machine;
  const opts = [
    ...Object.entries(summary.filters).filter(([, v]) => v !== ''),
    ...Object.entries(summary.options),
  ]
    .map(([k, v]) => `--${k}=${v}`)
    .join(' ');
  const lines = [
    '## Benchmarks',
    '',
    `Run ${summary.started.slice(0, 16).replace('T', ' ')} UTC on ${summary.commit.slice(0, 10)}${summary.commit.length > 40 ? ' with uncommitted changes' : ''} with \`${summary.command ?? `npm run bench${opts ? ` -- ${opts}` : ''}`}\` ` +
      `(${summary.reps} repetitions after ${summary.warmup} warm-up, ${summary.minutes.toFixed(0)} min, ` +
      `${summary.serve === 'dev' ? "Vite's dev server" : 'a production build'}) in ` +
      `${summary.browser.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? summary.browser}, ${m.cpus} × ${m.cpu}, ` +
      `load average ${m.loadAverageAtStart?.[0]?.toFixed(1) ?? '?'} at the start and ${m.loadAverageAtEnd[0].toFixed(1)} at the end.`,
    '',
    loadSentence(m),
    '',
    'Medians of the repetitions, with the fastest and slowest run; **vs ref** is how many times faster than ' +
      "the workload's reference contender (per operation, higher is better). **Worst gap** is the longest the " +
      'main thread went without running a 4 ms interval during any timed run; **long tasks** counts tasks over ' +
      '50 ms there. Other load on the machine shows up as noise: compare contenders within one run, not ' +
      'absolute times across machines. See [bench/README.md](../README.md) for what each workload does.',
    '',
  ];
  if (summary.suites.some((s) => s.name === 'baseline' && s.cases.length > 0)) {
    lines.push(
      'The **baseline** rows time a second of doing nothing: their gaps and long tasks are the noise ' +
        'floor of this machine during this run, which every other row carries too.',
      '',
    );
  }
  for (const s of summary.suites) {
    lines.push(`### ${s.name ?? s.file}`, '');
    if (s.error !== undefined) {
      lines.push(`Not loaded: \`${s.error.split('\n')[0]}\``, '');
      continue;
    }
    if (s.cases.length === 0) continue;
    lines.push(
      '| Workload | Contender | Median | Min – max | Per op | Ops/s | vs ref | Worst gap | Long tasks |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    const workloads = [...new Set(s.cases.map((c) => c.workload))];
    for (const w of workloads)
      for (const c of s.cases.filter((x) => x.workload === w)) lines.push(caseRow(c));
    lines.push('');
    const goals = s.goals.filter((g) => g.status !== 'not run');
    if (goals.length > 0) {
      lines.push('Goals:', '', '| Goal | Measured | Target | |', '|---|---|---|---|');
      for (const g of goals) {
        const mark = g.status === 'met' ? '✅ met' : g.status === 'missed' ? '❌ missed' : g.status;
        lines.push(`| ${g.label} | ${g.shown ?? ''} | ${g.target ?? ''} | ${mark} |`);
      }
      lines.push('');
    }
    const series = seriesTables(s.cases);
    if (series.length > 0) {
      lines.push(...series, `![Scale series](${chartFile})`, '');
    }
    const failures = s.cases.filter((c) => c.errors.length > 0);
    if (failures.length > 0) {
      lines.push('Failures:', '');
      for (const c of failures) {
        lines.push(`- ${c.workload} · ${c.contender}: ${c.errors[0].split('\n')[0]}`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Hand-drawn SVG: one panel per series against x on a log axis, plotting time per operation
 * (linear axis) or time in all (log axis, where linear growth is a straight line of slope 1).
 */
export function seriesChart(summary) {
  const cases = summary.suites.flatMap((s) => s.cases).filter((c) => c.series && c.n > 0);
  const names = [...new Set(cases.map((c) => c.series.name))];
  if (names.length === 0) return undefined;
  const contenders = [...new Set(cases.map((c) => c.contender))];
  const color = (who) => PALETTE[contenders.indexOf(who) % PALETTE.length];
  const W = 480;
  const H = 300;
  const pad = { l: 64, r: 40, t: 36, b: 48 };
  const legendH = 24;
  const width = W * names.length;
  const height = H + legendH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  names.forEach((name, i) => {
    const points = cases.filter((c) => c.series.name === name);
    const total = points.some((p) => p.series.plot === 'total');
    const value = (p) => (total ? p.medianMs : p.msPerOp * 1000);
    const xs = [...new Set(points.map((p) => p.series.x))].sort((a, b) => a - b);
    const lo = Math.log10(xs[0]);
    const hi = Math.max(Math.log10(xs.at(-1)), lo + 1);
    const vs = points.map(value);
    const x0 = i * W + pad.l;
    const x1 = (i + 1) * W - pad.r;
    const y0 = H - pad.b;
    const y1 = pad.t;
    const px = (x) => x0 + ((Math.log10(x) - lo) / (hi - lo)) * (x1 - x0);
    let py;
    let ticks;
    if (total) {
      const ylo = Math.floor(Math.log10(Math.min(...vs)));
      const yhi = Math.max(Math.ceil(Math.log10(Math.max(...vs))), ylo + 1);
      py = (v) => y0 - ((Math.log10(v) - ylo) / (yhi - ylo)) * (y0 - y1);
      ticks = [];
      for (let e = ylo; e <= yhi; e++) ticks.push(10 ** e);
    } else {
      const maxY = Math.max(...vs) * 1.1;
      py = (v) => y0 - (v / maxY) * (y0 - y1);
      const step = niceStep(maxY / 5);
      ticks = [];
      for (let y = 0; y <= maxY; y += step) ticks.push(y);
    }
    const unit = total ? 'ms in all (log scale)' : 'µs per change';
    out.push(
      `<text x="${(x0 + x1) / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(name)}: ${unit}</text>`,
      `<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/>`,
      `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`,
    );
    for (const x of xs) {
      out.push(
        `<line x1="${px(x)}" y1="${y0}" x2="${px(x)}" y2="${y0 + 4}" stroke="#333"/>`,
        `<text x="${px(x)}" y="${y0 + 18}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`,
      );
    }
    out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 36}" text-anchor="middle">changes stored</text>`);
    for (const y of ticks) {
      out.push(
        `<line x1="${x0 - 4}" y1="${py(y)}" x2="${x1}" y2="${py(y)}" stroke="${y === ticks[0] ? '#333' : '#ddd'}"/>`,
        `<text x="${x0 - 8}" y="${py(y) + 4}" text-anchor="end">${(+y.toPrecision(3)).toLocaleString('en-US')}</text>`,
      );
    }
    for (const who of contenders) {
      const line = points
        .filter((p) => p.contender === who)
        .sort((a, b) => a.series.x - b.series.x)
        .map((p) => [px(p.series.x), py(value(p))]);
      if (line.length === 0) continue;
      out.push(
        `<polyline fill="none" stroke="${color(who)}" stroke-width="2" points="${line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`,
        ...line.map(
          ([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color(who)}"/>`,
        ),
      );
    }
  });
  let lx = pad.l;
  for (const who of contenders) {
    out.push(
      `<rect x="${lx}" y="${H + 4}" width="14" height="4" fill="${color(who)}"/>`,
      `<text x="${lx + 20}" y="${H + 10}">${esc(who)}</text>`,
    );
    lx += 30 + who.length * 7;
  }
  out.push('</svg>', '');
  return out.join('\n');
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Writes `<out>.json`, `<out>.md` and the chart; returns the markdown. */
export async function writeReport(summary, dir, out) {
  await mkdir(dir, { recursive: true });
  const chartFile = out === 'latest' ? 'scale.svg' : `${out}-scale.svg`;
  const chart = seriesChart(summary);
  const md = markdown(summary, chartFile);
  await writeFile(join(dir, `${out}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, `${out}.md`), `${md}\n`);
  if (chart !== undefined) await writeFile(join(dir, chartFile), chart);
  return md;
}

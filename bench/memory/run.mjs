// `npm run bench:memory`: how much memory a large document costs on its way into and out of
// IndexedDB, larder against a raw IndexedDB put/get of the same bytes, in the same browser run.
// Peak resident memory (VmRSS) of every Chromium process is sampled every 10 ms in Node while
// the page writes, then reads, a document of each size; the figure is the peak above the level
// just before the operation, in multiples of the document's size. The page makes the bytes
// first (that one copy is the caller's own, counted in the baseline).
//
//   npm run bench:memory -- 64 256     (sizes in MiB; default 64 256)
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';

/* global window, indexedDB -- the page.evaluate bodies run in the browser */

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
if (sizes.length === 0) sizes.push(64, 256);
const MIB = 1024 * 1024;

/** Sum of VmRSS (bytes) of `pid` and every process under it. */
function treeRss(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // Gone.
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Runs `fn` while sampling; resolves the peak RSS above the level at the start. */
async function peakDuring(pid, fn) {
  await new Promise((r) => setTimeout(r, 300));
  const base = treeRss(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, treeRss(pid));
  return peak - base;
}

const server = await createServer({ root, logLevel: 'error', server: { port: 5190, strictPort: false } });
await server.listen();
const url = server.resolvedUrls.local[0];
const exe = process.env.LARDER_CHROMIUM ?? '/usr/bin/chromium';
const browserServer = await chromium.launchServer({
  executablePath: exe,
  args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'],
});
const browser = await chromium.connect(browserServer.wsEndpoint());
const pid = browserServer.process().pid;
const rows = [];
try {
  for (const mib of sizes) {
    for (const contender of ['raw IndexedDB', 'larder worker', 'larder inline']) {
      const page = await browser.newPage();
      await page.goto(`${url}e2e/harness.html`);
      await page.waitForFunction(() => typeof window.larder !== 'undefined');
      const name = `mem-${mib}-${contender.replace(/\W/g, '')}-${Date.now()}`;
      await page.evaluate(
        async ({ name, contender, bytes }) => {
          const w = window;
          w.doc = new Uint8Array(bytes);
          for (let i = 0; i < bytes; i += 4096) w.doc[i] = i & 255;
          if (contender === 'raw IndexedDB') {
            w.db = await new Promise((resolve, reject) => {
              const r = indexedDB.open(name, 1);
              r.onupgradeneeded = () => r.result.createObjectStore('docs');
              r.onsuccess = () => resolve(r.result);
              r.onerror = () => reject(r.error);
            });
          } else {
            w.store = await w.larder.openStore(name, {
              engine: contender === 'larder worker' ? 'worker' : 'inline',
            });
          }
        },
        { name, contender, bytes: mib * MIB },
      );
      const put = await peakDuring(pid, () =>
        page.evaluate(async (contender) => {
          const w = window;
          if (contender === 'raw IndexedDB') {
            await new Promise((resolve, reject) => {
              const tx = w.db.transaction('docs', 'readwrite', { durability: 'strict' });
              tx.objectStore('docs').put(w.doc, 'doc');
              tx.oncomplete = () => resolve(undefined);
              tx.onerror = () => reject(tx.error);
            });
          } else {
            await w.store.persister('doc').setDocument(w.doc);
            await w.store.flush();
          }
        }, contender),
      );
      await page.evaluate(() => {
        window.doc = undefined;
      });
      const get = await peakDuring(pid, () =>
        page.evaluate(async (contender) => {
          const w = window;
          let got;
          if (contender === 'raw IndexedDB') {
            got = await new Promise((resolve, reject) => {
              const r = w.db.transaction('docs').objectStore('docs').get('doc');
              r.onsuccess = () => resolve(r.result);
              r.onerror = () => reject(r.error);
            });
          } else {
            got = await w.store.persister('doc').getDocument();
          }
          return got.byteLength;
        }, contender),
      );
      await page.evaluate(
        async ({ name, contender }) => {
          const w = window;
          if (contender === 'raw IndexedDB') {
            w.db.close();
            indexedDB.deleteDatabase(name);
          } else {
            await w.store.close();
            await w.larder.deleteStore(name);
          }
        },
        { name, contender },
      );
      await page.close();
      rows.push({ mib, contender, put: put / (mib * MIB), get: get / (mib * MIB) });
      console.log(
        `${mib} MiB ${contender}: put peak +${(put / MIB).toFixed(0)} MiB (${(put / (mib * MIB)).toFixed(2)}×), get peak +${(get / MIB).toFixed(0)} MiB (${(get / (mib * MIB)).toFixed(2)}×)`,
      );
    }
  }
} finally {
  await browser.close();
  await browserServer.close();
  await server.close();
}
console.log('\n| size | contender | put: peak RSS above start | get: peak RSS above start |');
console.log('| ---: | --- | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.mib} MiB | ${r.contender} | ${r.put.toFixed(2)}× | ${r.get.toFixed(2)}× |`);

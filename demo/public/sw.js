// The demo's service worker: caches the app shell so the board opens without a network.
//
// Network first, cache as the fallback: under the Vite dev server every module is its own URL
// and changes as you edit, so a cache-first worker would serve stale code. Only URLs with a
// content hash in them are served cache first. Every same-origin GET
// that succeeds is cached on the way through (the worker larder starts included), and the page
// asks for anything it loaded before this worker controlled it.
//
// Only the current version of each file is kept: every edit under the dev server, every
// re-optimization of dependencies and every build gives files new URLs, and without pruning the
// cache grew with each one until it was nearly all of the site's storage. After each load the
// page sends the URLs it loaded; cached versions of those files at other URLs are deleted.

// v2: v1 kept every version; activating this worker deletes it.
const CACHE = 'larder-demo-v2';
const SHELL = ['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(isImmutable(request.url) ? cacheFirst(event, request) : networkFirst(event, request));
});

/**
 * URLs whose content never changes: Vite's pre-bundled dependencies carry a version hash
 * (`?v=`), built assets a content hash. Those are served from the cache without a round trip.
 */
function isImmutable(href) {
  const url = new URL(href);
  return (
    (url.pathname.startsWith('/node_modules/.vite/deps/') && url.searchParams.has('v')) ||
    url.pathname.startsWith('/assets/')
  );
}

async function cacheFirst(event, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  return hit ?? fetchAndCache(event, cache, request);
}

async function fetchAndCache(event, cache, request) {
  const response = await fetch(request);
  if (response.status === 200 && response.type === 'basic') {
    event.waitUntil(cache.put(request, response.clone()));
  }
  return response;
}

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (event.data?.type !== 'cache-urls' || port === undefined) return;
  event.waitUntil(
    cacheMissing(event.data.urls)
      .then(() => pruneOldVersions(event.data.urls))
      .then(
        () => port.postMessage({ ok: true }),
        () => port.postMessage({ ok: false }),
      ),
  );
});

/**
 * The file a URL names, whatever its version: without Vite's `?v=` (dependency bundle) and `?t=`
 * (edited module) parameters, and without the content hash of a built asset's name
 * (`/assets/index-B2xk3hQe.js` is `/assets/index.js`).
 */
function fileKey(href) {
  const url = new URL(href);
  url.searchParams.delete('v');
  url.searchParams.delete('t');
  url.hash = '';
  if (url.pathname.startsWith('/assets/')) url.pathname = url.pathname.replace(/-[\w-]{8}(\.\w+)$/, '$1');
  return url.href;
}

const DEPS = '/node_modules/.vite/deps/';

/**
 * Deletes cached versions of the files the page just loaded, at URLs it no longer uses, and
 * dependency bundles of an earlier optimization (Vite gives every bundle of one optimization the
 * same `?v=`). Files the page did not load this time (a chunk loaded on demand) are kept.
 */
async function pruneOldVersions(current) {
  const loaded = new Set(current);
  const keys = new Set(current.map(fileKey));
  const depVersions = new Set(
    current
      .map((href) => new URL(href))
      .flatMap((u) => (u.pathname.startsWith(DEPS) ? [u.searchParams.get('v')] : [])),
  );
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (loaded.has(request.url)) continue;
    const url = new URL(request.url);
    const staleDep =
      url.pathname.startsWith(DEPS) && depVersions.size > 0 && !depVersions.has(url.searchParams.get('v'));
    if (staleDep || keys.has(fileKey(request.url))) await cache.delete(request);
  }
}

async function networkFirst(event, request) {
  const cache = await caches.open(CACHE);
  try {
    return await fetchAndCache(event, cache, request);
  } catch (error) {
    const navigate = request.mode === 'navigate';
    const hit =
      (await cache.match(request, { ignoreVary: true, ignoreSearch: navigate })) ??
      (navigate ? await cache.match('/') : undefined);
    if (hit !== undefined) return hit;
    throw error;
  }
}

async function cacheMissing(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all(
    urls.map(async (url) => {
      if ((await cache.match(url, { ignoreVary: true })) !== undefined) return;
      // The Vite dev server answers a CSS URL with a JavaScript module unless asked for CSS.
      const init = new URL(url).pathname.endsWith('.css') ? { headers: { Accept: 'text/css' } } : undefined;
      const response = await fetch(url, init);
      if (response.status === 200 && response.type === 'basic') await cache.put(url, response);
    }),
  );
}

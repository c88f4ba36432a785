// The demo's service worker: caches the app shell so the board opens without a network.
//
// Network first, cache as the fallback: under the Vite dev server every module is its own URL
// and changes as you edit, so a cache-first worker would serve stale code. Only URLs with a
// content hash in them are served cache first. Every same-origin GET
// that succeeds is cached on the way through (the worker larder starts included), and the page
// asks for anything it loaded before this worker controlled it.

const CACHE = 'larder-demo-v1';
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
    cacheMissing(event.data.urls).then(
      () => port.postMessage({ ok: true }),
      () => port.postMessage({ ok: false }),
    ),
  );
});

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

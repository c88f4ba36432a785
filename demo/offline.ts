export type OfflineState = 'ready' | 'unsupported' | 'failed';

/**
 * Registers the service worker and resolves once it controls the page, or after `timeoutMs`.
 * The app waits for this before it opens the store, so that the worker larder starts is fetched
 * through the service worker and cached with the rest of the app.
 *
 * @returns whether a service worker controls the page.
 */
export async function registerServiceWorker(timeoutMs = 4000): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const sw = navigator.serviceWorker;
  try {
    await sw.register('/sw.js', { scope: '/' });
  } catch {
    return false;
  }
  if (sw.controller !== null) return true;
  // On a first visit the new worker claims this page when it activates.
  return new Promise<boolean>((resolve) => {
    const done = () => resolve(sw.controller !== null);
    sw.addEventListener('controllerchange', done, { once: true });
    setTimeout(done, timeoutMs);
  });
}

/**
 * Asks the service worker to cache every same-origin URL this page has loaded: on a first visit
 * the page's modules were fetched before the worker was there to see them.
 */
export async function cacheLoadedUrls(): Promise<OfflineState> {
  if (!('serviceWorker' in navigator)) return 'unsupported';
  const controller = navigator.serviceWorker.controller;
  if (controller === null) return 'failed';
  const urls = new Set<string>([location.href]);
  for (const entry of performance.getEntriesByType('resource')) {
    if (new URL(entry.name).origin === location.origin) urls.add(entry.name);
  }
  const channel = new MessageChannel();
  const reply = new Promise<OfflineState>((resolve) => {
    channel.port1.onmessage = (e: MessageEvent<{ ok: boolean }>) => resolve(e.data.ok ? 'ready' : 'failed');
  });
  controller.postMessage({ type: 'cache-urls', urls: [...urls] }, [channel.port2]);
  return reply;
}

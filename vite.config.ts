import { defineConfig } from 'vite';

// One config for the demo (index.html), the test harness pages under e2e/ and the bench pages.
// Tests and benchmarks set LARDER_NO_HMR: a page reloaded by HMR in the middle of a test (any
// file saved in the tree triggers one) would fail it for no reason of its own.
const noHmr = process.env['LARDER_NO_HMR'] !== undefined;

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true, hmr: !noHmr, ...(noHmr ? { ws: false } : {}) },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  // Listed up front so that Vite never re-optimizes them mid-run and reloads the page.
  optimizeDeps: {
    // The pages this server serves. Left to itself Vite scans every HTML file in the tree,
    // including the consumer app under e2e/fixtures/, which imports the packed package by a name
    // that only resolves once installed into its own throwaway app (e2e/package.spec.ts).
    entries: ['index.html', 'e2e/**/*.html', 'bench/**/*.html', 'examples/**/*.html', '!e2e/fixtures/**'],
    include: [
      'idb',
      'comlink',
      '@automerge/automerge/slim',
      '@automerge/automerge/automerge.wasm.base64',
      '@automerge/automerge-repo/slim',
      '@automerge/automerge-repo-network-websocket',
      'yjs',
    ],
  },
  // The demo's service worker, manifest and icons are served from the site root.
  publicDir: 'demo/public',
  worker: { format: 'es' },
  build: { target: 'es2022' },
});

import { defineConfig } from 'vite';

// One config for the demo (index.html) and the test harness pages under e2e/.
export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});

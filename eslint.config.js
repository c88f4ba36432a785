import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const COMLINK_ONLY_THERE = {
  name: 'comlink',
  message: 'Comlink belongs in worker-host.ts and client/worker-transport.ts only.',
};
const IDB_ONLY_THERE = { name: 'idb', message: 'idb belongs inside src/engine/ only.' };

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      '.tmp/',
      'docs/api/',
      'demo/public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The worker entry type-checks against the WebWorker lib, not the DOM.
    files: ['workers/**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './tsconfig.worker.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // Thin boundaries: Comlink only in the worker host and transport, idb only in the engine. One
  // rule per file set (a later block replaces an earlier block's list for the same rule), so the
  // sets are disjoint.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/engine/**', 'src/worker-host.ts', 'src/client/worker-transport.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [COMLINK_ONLY_THERE, IDB_ONLY_THERE] }] },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [COMLINK_ONLY_THERE] }] },
  },
  {
    files: ['src/worker-host.ts', 'src/client/worker-transport.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [IDB_ONLY_THERE] }] },
  },
  {
    // Integrations are subpath exports: only larder-kit/automerge-repo may name automerge-repo.
    // (The typescript-eslint rule, so it does not replace the core rule's comlink and idb lists.)
    files: ['src/**/*.ts'],
    ignores: ['src/automerge-repo/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@automerge/automerge-repo', '@automerge/automerge-repo/*'],
              message:
                'Only src/automerge-repo/ (the larder-kit/automerge-repo entry) may import automerge-repo.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['demo/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '!**/src/index.js', '!**/src/index.ts'],
              message: 'The demo imports only the public entry src/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  { files: ['e2e/fixtures/**/*.js'], languageOptions: { globals: { document: 'readonly' } } },
);

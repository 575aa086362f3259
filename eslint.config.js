// Lint rules per language of the repository:
// - TypeScript (control plane, host, gateway, scripts, tests): typescript-eslint recommended.
// - apigee-sharedflow/src: ES5 only, because Apigee runs Rhino 1.7.12/1.7.13 (notes/apigee.md §7).
// - AssemblyScript (wasm-filter/assembly) is checked by asc itself; its types (u32, usize) and
//   decorators are not TypeScript's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '**/build/**',
      'dist/**',
      'proto/gen/**',
      'wasm-filter/assembly/**',
      'wasm-filter/host/fixtures/**',
      'apigee-sharedflow/sharedflowbundle/**',
      'apigee-sharedflow/dist/**',
      'control-plane/dashboard/dist/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts', '**/*.tsx'] })),
  {
    files: ['**/*.ts', '**/*.mjs', '*.js'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  {
    files: ['control-plane/dashboard/src/**/*.ts', 'control-plane/dashboard/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['apigee-sharedflow/src/**/*.js', 'apigee-sharedflow/test/rhino/**/*.js'],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: 'script',
      globals: {
        context: 'readonly',
        request: 'readonly',
        response: 'readonly',
        httpClient: 'readonly',
        print: 'readonly',
        properties: 'readonly',
        crypto: 'readonly',
        Request: 'readonly',
      },
    },
    // ES5 has no optional catch binding: an unused catch parameter is the only way to write it.
    rules: { 'no-var': 'off', strict: 'off', 'no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
);

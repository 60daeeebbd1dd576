// `npm run lint` runs this and `prettier --check .`; `npm test` and CI run it first.
// Type-aware (typescript-eslint's projectService reads tsconfig.json and web/tsconfig.json).
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'
import hearth from './eslint/boundaries.js'

// Tests read JSON answers (`res.json()` is `any` by design of light-my-request and fetch), the demo
// drives the API the same way and benchmarks read tool output: the no-unsafe-* family (and
// no-explicit-any) would flag every assertion there.
const tests = ['**/*.test.ts', 'e2e/**', 'server/test/**', 'server/src/**/test-*.ts', 'server/src/demo/**', 'bench/**']
const untyped = ['**/*.js', '**/*.mjs']

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'web/.dist-*/', 'web/src/api/schema.d.ts', 'bench/results/', 'bench/.tmp/', 'data/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Plain JS outside any tsconfig: the scripts, this file and the local rule.
          allowDefaultProject: ['scripts/*.mjs', 'eslint.config.js', 'eslint/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { hearth },
    rules: {
      'hearth/boundaries': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Fastify plugins and the async interfaces of platform/ (cache, bus, storage) are async by
      // contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The web client throws its Failure objects (web/src/api/problem.ts), worded for the screen.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'Failure' }] }],
    },
  },
  {
    files: [...tests, ...untyped],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: untyped,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    // Classic scripts the browser runs as they are (web/public: theme, offline page, service worker):
    // no types to check them against, the page's and the worker's globals.
    ...tseslint.configs.disableTypeChecked,
    files: ['web/public/*.js'],
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'localStorage', 'location', 'self', 'caches', 'fetch', 'Response', 'URL', 'Promise'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
  {
    // The classic hook rules. The React Compiler's diagnostics (refs, set-state-in-effect, …) stay
    // off: the app is not compiled by it, and they flag its deliberate latest-value refs.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
)

// Lint, and the layering the architecture depends on (the way VS Code enforces common/node/electron-main):
// the swift-init port stands alone, only the Electron shell touches `electron`, the renderer reaches the
// main side only through shared/. Formatting is Prettier's (eslint-config-prettier turns off what overlaps).
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const electronOnlyInShell = { name: 'electron', message: 'Only electron/main and electron/preload import electron.' }

/** Import patterns a layer may not use, with the reason shown in the finding. */
const forbid = (group, message) => ({ group, message })

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'node_modules/**', 'build/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: globals.browser },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    rules: {
      // noUncheckedIndexedAccess is on: handle the missing case instead of asserting it away
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**', 'test/main/**', 'test/e2e/electron.spec.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/supervisor/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            forbid(
              ['**/service/**', '**/host/**', '**/main/**', '**/preload/**'],
              'The swift-init port stands alone: nothing of the panel.',
            ),
            forbid(
              ['**/shared/contract*', '**/shared/types*', '**/shared/validate*'],
              'The domain does not depend on the wire: use shared/swift.ts.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [forbid(['node:*', '**/electron/**', '**/renderer/**'], 'shared/ is plain data and runs on both sides.')],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            forbid(['node:*', 'fs', 'path', 'child_process', 'ws'], 'The renderer runs in a sandboxed page: no Node.'),
            forbid(['**/electron/**', '**/test/**'], 'The renderer reaches the main side only through shared/ and its bridge.'),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/src/components/**', 'renderer/src/App.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            forbid(['node:*', 'fs', 'path', 'child_process', 'ws'], 'The renderer runs in a sandboxed page: no Node.'),
            forbid(['**/electron/**', '**/test/**'], 'The renderer reaches the main side only through shared/ and its bridge.'),
            forbid(['**/bridge', '**/bridge/**'], 'Components talk to the bridge through their stores.'),
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js', 'test/**', 'bench/**', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // a test's `!` is an assertion like any other: when it is wrong, the test fails
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
)

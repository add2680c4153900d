// Lint-enforced architecture: pure folders never import `vscode` (type imports aside), and the two modules
// shared with the webview bundle import neither `vscode` nor Node built-ins.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noVscode = { name: 'vscode', message: 'Pure modules must not depend on the VS Code API; adapt it in src/views or src/panels.', allowTypeImports: true };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.artifacts/**', '.demo/**', '.tmp/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['src/airflow/**/*.ts', 'src/storage/**/*.ts', 'src/formats/**/*.ts', 'src/copy/**/*.ts', 'src/logger.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/protocol.ts', 'src/references.ts', 'src/errors.ts', 'webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'Shared with the webview bundle: no Node built-ins.' }))],
        // The webview imports only the shared modules (reference detection lives in src/references.ts alone).
        patterns: [{ group: ['../src/*', '!../src/protocol', '!../src/references', '!../src/errors'], message: 'webview/ may import only src/protocol.ts, src/references.ts and src/errors.ts.' }],
      }],
    },
  },
);

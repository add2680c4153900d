// Lint-enforced architecture (GitLens-style): each folder may import only the layers below it, pure folders never
// import `vscode` (type imports aside), the modules shared with the webview bundle import neither `vscode` nor Node
// built-ins, the webview imports only those shared modules, and no module takes part in an import cycle.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noVscode = {
  name: 'vscode',
  message: 'Pure modules must not depend on the VS Code API; adapt it in src/views or src/panels.',
  allowTypeImports: true,
};
const noNodeBuiltins = nodeBuiltins.map((name) => ({
  name,
  message: 'Shared with the webview bundle: no Node built-ins.',
}));

/** A `no-restricted-imports` pattern group forbidding imports of the named src/ folders. */
const notFrom = (folders, why) => ({
  group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]),
  message: why,
});
const hostOnly = ['connections', 'views', 'panels', 'extension'];

/** Folder → the folders it must not import, and why. */
const boundaries = [
  {
    files: ['src/formats/**/*.ts'],
    forbidden: ['storage', 'airflow', 'copy', 'compare', ...hostOnly],
    why: 'formats/ turns bytes into tables; it knows no store, no Airflow and no VS Code.',
  },
  {
    files: ['src/storage/**/*.ts'],
    forbidden: ['formats', 'airflow', 'copy', 'compare', ...hostOnly],
    why: 'storage/ reads objects; it knows no format, no Airflow and no VS Code.',
  },
  {
    files: ['src/airflow/**/*.ts'],
    forbidden: ['storage', 'copy', 'compare', ...hostOnly],
    why: 'airflow/ reads Airflow; it knows no object store and no VS Code.',
  },
  {
    files: ['src/copy/**/*.ts', 'src/compare/**/*.ts'],
    forbidden: hostOnly,
    why: 'Pure modules are used by the host, never the other way round.',
  },
  {
    files: ['src/connections/**/*.ts'],
    forbidden: ['views', 'panels', 'extension'],
    why: 'connections/ is below the views and panels: let events carry change upward.',
    host: true,
  },
  {
    files: ['src/views/**/*.ts'],
    forbidden: ['panels', 'extension'],
    why: 'Views do not import panels: the composition root wires them.',
    host: true,
  },
  {
    files: ['src/panels/**/*.ts'],
    forbidden: ['extension'],
    why: 'Only the composition root imports the composition root.',
    host: true,
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.artifacts/**', '.demo/**', '.tmp/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'webview/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  ...boundaries.map(({ files, forbidden, why, host }) => ({
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: host ? [] : [noVscode], patterns: [notFrom(forbidden, why)] },
      ],
    },
  })),
  {
    files: ['src/logger.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/protocol.ts', 'src/references.ts', 'src/errors.ts', 'src/formatBytes.ts', 'src/cellText.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeBuiltins],
          patterns: [
            notFrom(
              ['airflow', 'storage', 'formats', 'copy', 'compare', ...hostOnly],
              'Shared with the webview bundle: it imports only the other shared modules.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeBuiltins],
          // The webview imports only the shared modules (reference detection lives in src/references.ts alone).
          patterns: [
            {
              group: [
                '../src/*',
                '!../src/protocol',
                '!../src/references',
                '!../src/errors',
                '!../src/formatBytes',
                '!../src/cellText',
              ],
              message:
                'webview/ may import only src/protocol.ts, src/references.ts, src/errors.ts, src/formatBytes.ts and src/cellText.ts.',
            },
          ],
        },
      ],
    },
  },
);

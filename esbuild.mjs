// One build script for both bundles (extension host and webview) and for the compiled tests.
//   node esbuild.mjs               development build of dist/
//   node esbuild.mjs --production  minified, no source maps (what the VSIX ships)
//   node esbuild.mjs --watch       rebuild dist/ on change
//   node esbuild.mjs --tests       compile src/ and test/ file by file into out/ (CommonJS) for mocha
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Reports build results on one line, the way problem matchers expect. */
const logPlugin = {
  name: 'xcom-lens-log',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/** @type {esbuild.BuildOptions} */
const extensionHost = {
  // The CSV worker is a second entry: worker threads load it from dist/ next to extension.js.
  entryPoints: {
    extension: 'src/extension.ts',
    csvWorker: 'src/formats/csvWorker.ts',
    sqliteWorker: 'src/airflow/dialects/sqliteWorker.ts',
    decodeWorker: 'src/airflow/decodeWorker.ts',
  },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  outdir: 'dist',
  external: ['vscode'],
  // pg tries an optional native binding; the pure-JS client is the one we ship.
  alias: {},
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

/** @type {esbuild.BuildOptions} */
const webview = {
  entryPoints: { webview: 'webview/bootstrap.ts' },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  outdir: 'dist',
  loader: { '.css': 'css' },
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

function listTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

async function buildTests() {
  rmSync('out', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [...listTs('src'), ...listTs('test')],
    outbase: '.',
    outdir: 'out',
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    sourcemap: 'inline',
    logLevel: 'warning',
    // Lazy `await import('./x')` becomes require(): file-by-file CommonJS output has no bundler to resolve it.
    supported: { 'dynamic-import': false },
  });
}

async function main() {
  if (tests) {
    await buildTests();
    return;
  }
  const options = [extensionHost, webview].map((o) => (watch ? { ...o, plugins: [logPlugin] } : o));
  if (watch) {
    const contexts = await Promise.all(options.map((o) => esbuild.context(o)));
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(options.map((o) => esbuild.build(o)));
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});

// Shared by the benchmarks (not a benchmark itself: bench/run.mjs runs only *.bench.mjs): bundles modules of the
// repository (TypeScript sources and fixtures) into one CommonJS file under .tmp/bench that a benchmark loads.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where benchmarks keep their bundles and generated inputs. */
export const benchDir = join(root, '.tmp', 'bench');

/**
 * Bundles `exportLines` (e.g. `export { parseCsv } from './src/formats/csv';`) into .tmp/bench/<name>.cjs and returns
 * its path. npm packages stay external unless `inlinePackages` (for child processes that load the file alone).
 */
export async function bundleModules(name, exportLines, { inlinePackages = false } = {}) {
  mkdirSync(benchDir, { recursive: true });
  const outfile = join(benchDir, `${name}.cjs`);
  await esbuild.build({
    stdin: { contents: exportLines.join('\n'), resolveDir: root, loader: 'ts', sourcefile: `${name}-entry.ts` },
    bundle: true,
    ...(inlinePackages ? {} : { packages: 'external' }),
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

// Runs one plain-Node test level (unit, integration or ui) for scripts/test.mjs:
//   node out/test/harness/runLevel.js <level> [resultsFile]
// Exit code 0 only when at least one test ran and none failed.
import { join } from 'node:path';
import { listFiles, runMocha, type RunMochaOptions } from './mochaRunner';
import { repoRoot } from './processes';

/** How each plain-Node level finds its files and how long a test may take. */
const levels: Record<string, { dir: string; suffix: string; timeout: number; fixtures?: string }> = {
  unit: { dir: 'out/test/unit', suffix: '.test.js', timeout: 10_000 },
  integration: {
    dir: 'out/test/integration',
    suffix: '.test.js',
    timeout: 120_000,
    fixtures: 'out/test/integration/globalSetup.js',
  },
  ui: { dir: 'out/test/ui', suffix: '.ui.test.js', timeout: 180_000 },
};

async function main(): Promise<number> {
  const [name, resultsFile] = process.argv.slice(2);
  const level = name ? levels[name] : undefined;
  if (!name || !level) throw new Error(`usage: runLevel.js <${Object.keys(levels).join('|')}> [resultsFile]`);
  const files = listFiles(join(repoRoot, level.dir), level.suffix);
  const options: RunMochaOptions = { files, timeout: level.timeout, color: process.stdout.isTTY, resultsFile };
  if (level.fixtures) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fixtures = require(join(repoRoot, level.fixtures)) as {
      mochaGlobalSetup?: () => unknown;
      mochaGlobalTeardown?: () => unknown;
    };
    options.globalSetup = fixtures.mochaGlobalSetup ? [fixtures.mochaGlobalSetup] : [];
    options.globalTeardown = fixtures.mochaGlobalTeardown ? [fixtures.mochaGlobalTeardown] : [];
  }
  const counts = await runMocha(options);
  return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
}

// Exit explicitly: a client a test forgot to close must not keep the level running until its time limit.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// Runs mocha programmatically (bdd, spec reporter) and counts results, in plain Node or inside the extension host.
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Mocha from 'mocha';

/** What a level reports to scripts/test.mjs. */
export interface TestCounts {
  /** Tests that passed. */
  passed: number;
  /** Tests and hooks that failed. */
  failed: number;
  /** Tests skipped with `it.skip` or `this.skip()`. */
  pending: number;
}

/** Options of {@link runMocha}. */
export interface RunMochaOptions {
  /** Compiled test files to run. */
  files: string[];
  /** Per-test timeout in milliseconds. */
  timeout: number;
  /** Functions run once before all tests (mocha global fixtures). */
  globalSetup?: Array<() => unknown>;
  /** Functions run once after all tests, even when tests failed. */
  globalTeardown?: Array<() => unknown>;
  /** Colored spec output; off inside the extension host, whose console is not a terminal. */
  color?: boolean;
  /** Where to write the {@link TestCounts} as JSON. */
  resultsFile?: string;
}

/** Every file under `dir` whose name ends with `suffix`, sorted; none when `dir` is missing. */
export function listFiles(dir: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path, suffix) : name.endsWith(suffix) ? [path] : [];
    })
    .sort();
}

/** Runs the files with mocha and resolves with the counts (never rejects because of failing tests). */
export async function runMocha(options: RunMochaOptions): Promise<TestCounts> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: options.timeout,
    color: options.color ?? false,
    // Local iterations: XCOM_LENS_TEST_GREP runs only the tests whose full title matches (a regular expression).
    ...(process.env.XCOM_LENS_TEST_GREP ? { grep: process.env.XCOM_LENS_TEST_GREP } : {}),
  });
  // Local iterations: XCOM_LENS_TEST_FILES keeps only the files whose path contains one of its comma-separated parts.
  const only = process.env.XCOM_LENS_TEST_FILES?.split(',').filter(Boolean);
  for (const file of options.files) if (!only || only.some((part) => file.includes(part))) mocha.addFile(file);
  const counts: TestCounts = { passed: 0, failed: 0, pending: 0 };
  // The global fixtures run here rather than through mocha's options so that teardown runs even when loading a
  // test file throws.
  for (const setup of options.globalSetup ?? []) await setup();
  try {
    await new Promise<void>((resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve());
        runner.on('pass', () => counts.passed++);
        runner.on('fail', () => counts.failed++);
        runner.on('pending', () => counts.pending++);
      } catch (error) {
        reject(error);
      }
    });
  } finally {
    for (const teardown of options.globalTeardown ?? []) {
      try {
        await teardown();
      } catch (error) {
        console.error('global teardown failed:', error);
        counts.failed++;
      }
    }
  }
  if (options.resultsFile) {
    mkdirSync(dirname(options.resultsFile), { recursive: true });
    writeFileSync(options.resultsFile, JSON.stringify(counts));
  }
  return counts;
}

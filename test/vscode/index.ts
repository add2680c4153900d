// Entry of the extension-host suite (the @vscode/test-electron contract: `run(): Promise<void>`), shared by
// test/harness/codeServerLauncher.ts (code-server) and test/harness/electronLauncher.ts (desktop VS Code).
// Writes the counts as JSON to $XCOM_LENS_TEST_RESULTS when set, and rejects when a test failed or none ran.
import { listFiles, runMocha } from '../harness/mochaRunner';

/** Test files of the untrusted-workspace suite (run by the launcher in a second, untrusted code-server). */
export const UNTRUSTED_SUFFIX = '.untrusted.vscode.test.js';

/**
 * Runs every out/test/vscode/**\/*.vscode.test.js inside the extension host; with XCOM_LENS_VSCODE_SUITE=untrusted
 * only the *.untrusted.vscode.test.js ones (which the trusted run leaves out).
 */
export async function run(): Promise<void> {
  const untrusted = process.env.XCOM_LENS_VSCODE_SUITE === 'untrusted';
  const files = listFiles(__dirname, '.vscode.test.js').filter((f) => f.endsWith(UNTRUSTED_SUFFIX) === untrusted);
  const counts = await runMocha({
    files,
    timeout: 30_000,
    color: false,
    resultsFile: process.env.XCOM_LENS_TEST_RESULTS,
  });
  console.log(`extension host: ${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending`);
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
  if (counts.passed === 0) throw new Error('no extension-host test ran');
}

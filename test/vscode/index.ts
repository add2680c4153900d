// Entry of the extension-host suite (the @vscode/test-electron contract: `run(): Promise<void>`), shared by
// test/harness/codeServerLauncher.ts (code-server) and test/harness/electronLauncher.ts (desktop VS Code).
// Writes the counts as JSON to $XCOM_LENS_TEST_RESULTS when set, and rejects when a test failed or none ran.
import { listFiles, runMocha } from '../harness/mochaRunner';

/** Runs every out/test/vscode/**\/*.vscode.test.js inside the extension host. */
export async function run(): Promise<void> {
  const files = listFiles(__dirname, '.vscode.test.js');
  const counts = await runMocha({ files, timeout: 30_000, color: false, resultsFile: process.env.XCOM_LENS_TEST_RESULTS });
  console.log(`extension host: ${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending`);
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
  if (counts.passed === 0) throw new Error('no extension-host test ran');
}

// Extension-tests entry used by bench/activation.bench.mjs (not a test): activates XCom Lens in the real extension
// host and writes how long that took to $XCOM_LENS_BENCH_OUT.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';

/** The @vscode/test-electron entry contract. */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
  if (!extension) throw new Error('XCom Lens is not loaded');
  const wasActive = extension.isActive;
  const started = performance.now();
  const api = await extension.activate();
  const loadAndActivateMs = performance.now() - started;
  writeFileSync(
    process.env.XCOM_LENS_BENCH_OUT ?? '/dev/null',
    JSON.stringify({ wasActive, activateMs: api.activationMs, loadAndActivateMs }),
  );
}

// Runs the same extension-host suite (out/test/vscode/index.js) in desktop VS Code downloaded by @vscode/test-electron:
//   npm run test:electron        (needs internet: it fails with ENOTFOUND on machines without it; use the vscode level)
// VS Code version: $VSCODE_VERSION, default "stable". Test servers as in codeServerLauncher (s3 by default).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startTestServices, stopServices, TEST_SERVICES_ENV } from '../integration/services';
import { repoRoot, withTimeout } from './processes';
import { makeRunFolder } from './runFolder';

/** Download, start and test run must end within this. */
const RUN_TIMEOUT_MS = Number(process.env.XCOM_LENS_ELECTRON_TIMEOUT_MS ?? 600_000);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--services');
  const names = at >= 0 ? (argv[at + 1] ?? '').split(',') : ['s3'];
  const folder = makeRunFolder('xcom-lens-electron-');
  const tempDir = folder.path;
  const workspace = join(tempDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# XCom Lens extension-host test workspace\n');
  try {
    const services = await withTimeout(
      startTestServices({
        s3: names.includes('s3'),
        postgres: names.includes('postgres'),
        mariadb: names.includes('mariadb'),
      }),
      90_000,
      'starting test services',
    );
    return await withTimeout(
      runTests({
        version: process.env.VSCODE_VERSION ?? 'stable',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
        extensionTestsEnv: {
          [TEST_SERVICES_ENV]: JSON.stringify(services),
          XCOM_LENS_TEST_RESULTS: process.env.XCOM_LENS_TEST_RESULTS ?? join(tempDir, 'results.json'),
        },
        launchArgs: [
          workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          '--user-data-dir',
          join(tempDir, 'user-data'),
          '--extensions-dir',
          join(tempDir, 'extensions'),
        ],
      }),
      RUN_TIMEOUT_MS,
      'desktop VS Code test run',
    );
  } finally {
    await stopServices().catch((error: unknown) => console.error(`could not stop services: ${String(error)}`));
    folder.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

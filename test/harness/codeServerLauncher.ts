// Runs the extension-host suite (out/test/vscode/index.js) inside code-server, driven by headless Chromium:
//   node out/test/harness/codeServerLauncher.js [--services s3,postgres,mariadb | --services none]
// Starts the test servers (s3 by default) and passes their coordinates as XCOM_LENS_TEST_SERVICES; everything
// runs under a temp folder and is stopped at the end, whatever happens. Exit code: the suite's (0 = all passed).
// The *.untrusted.vscode.test.ts files run afterwards in a second code-server start whose workspace is untrusted.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import {
  startTestServices,
  stopServices,
  TEST_SERVICES_ENV,
  type ServiceSelection,
  type TestServices,
} from '../integration/services';
import { UNTRUSTED_SUFFIX } from '../vscode/index';
import { listFiles } from './mochaRunner';
import { isNoise, launchBrowser, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import { repoRoot, withTimeout } from './processes';
import { makeRunFolder } from './runFolder';

/** The whole run (services, both code-server starts, workbench, tests) must end within this. */
const RUN_TIMEOUT_MS = Number(process.env.XCOM_LENS_VSCODE_TIMEOUT_MS ?? 360_000);

function parseServices(argv: string[]): ServiceSelection {
  const at = argv.indexOf('--services');
  const names = at >= 0 ? (argv[at + 1] ?? '').split(',') : ['s3'];
  const known = new Set(['s3', 'postgres', 'mariadb', 'none', '']);
  for (const name of names) if (!known.has(name)) throw new Error(`unknown service ${name}`);
  return { s3: names.includes('s3'), postgres: names.includes('postgres'), mariadb: names.includes('mariadb') };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Whether the run has test files of this suite (after XCOM_LENS_TEST_FILES): a suite without any is skipped. */
function hasFiles(untrusted: boolean): boolean {
  const only = process.env.XCOM_LENS_TEST_FILES?.split(',').filter(Boolean);
  return listFiles(join(repoRoot, 'out', 'test', 'vscode'), '.vscode.test.js')
    .filter((f) => f.endsWith(UNTRUSTED_SUFFIX) === untrusted)
    .some((f) => !only || only.some((part) => f.includes(part)));
}

/** Starts code-server (trusted, or with the workspace untrusted), runs one suite in it, stops it; the suite's exit code. */
async function runSuite(
  untrusted: boolean,
  services: TestServices,
  resultsFile: string,
  deadline: number,
): Promise<number> {
  const started = Date.now();
  const folder = makeRunFolder('xcom-lens-vscode-');
  const tempDir = folder.path;
  const workspace = join(tempDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# XCom Lens extension-host test workspace\n');
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  try {
    server = await startCodeServer({
      tempDir,
      untrusted,
      env: {
        [TEST_SERVICES_ENV]: JSON.stringify(services),
        XCOM_LENS_TEST_RESULTS: resultsFile,
        XCOM_LENS_VSCODE_SUITE: untrusted ? 'untrusted' : 'trusted',
        // Where code-server keeps settings.json and the output channels' log files (read by the secret-leak test).
        XCOM_LENS_TEST_USER_DATA: join(tempDir, 'user-data'),
        // The workspace folder, for the untrusted suite's workspace settings.
        XCOM_LENS_TEST_WORKSPACE: workspace,
      },
      echo: (line) => log(`[code-server] ${line}`),
    });
    log(
      `code-server (${untrusted ? 'untrusted' : 'trusted'} workspace) ready at ${server.baseUrl} after ${Date.now() - started} ms`,
    );
    browser = await launchBrowser(tempDir);
    const page = browser.pages()[0] ?? (await browser.newPage());
    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n'))
        if (line.trim() && !isNoise(line)) log(type === 'error' ? `[ext-host:error] ${line}` : line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));
    page.on('pageerror', (error) => {
      if (!isNoise(error.message)) log(`[workbench:pageerror] ${error.message}`);
    });
    const extensionPath = repoRoot;
    await page.goto(
      workbenchUrl(server.baseUrl, workspace, extensionPath, join(extensionPath, 'out', 'test', 'vscode', 'index.js')),
    );
    const code = await withTimeout(exitCode, Math.max(deadline - Date.now(), 10_000), 'extension-host suite');
    log(
      `extension-host suite (${untrusted ? 'untrusted' : 'trusted'}) exited with ${code} after ${Date.now() - started} ms`,
    );
    return code;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    folder.remove();
  }
}

function readCounts(file: string): { passed: number; failed: number; pending: number } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { passed: number; failed: number; pending: number };
  } catch {
    return { passed: 0, failed: 0, pending: 0 };
  }
}

async function main(): Promise<number> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  const selection = parseServices(process.argv.slice(2));
  const resultsDir = makeRunFolder('xcom-lens-vscode-results-').path;
  const resultsFile = process.env.XCOM_LENS_TEST_RESULTS ?? join(resultsDir, 'results.json');
  try {
    const servicesStarted = Date.now();
    const services = await withTimeout(startTestServices(selection), 90_000, 'starting test services');
    log(`test services ready after ${Date.now() - servicesStarted} ms`);
    const suites = [false, true].filter(hasFiles);
    if (suites.length === 0) suites.push(false); // the suite itself reports that no test ran
    let code = 0;
    const totals = { passed: 0, failed: 0, pending: 0 };
    for (const untrusted of suites) {
      const suiteResults = join(resultsDir, untrusted ? 'untrusted.json' : 'trusted.json');
      code = (await runSuite(untrusted, services, suiteResults, deadline)) || code;
      const counts = readCounts(suiteResults);
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.pending += counts.pending;
    }
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, JSON.stringify(totals));
    return code;
  } finally {
    await stopServices().catch((error: unknown) => log(`could not stop services: ${String(error)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

// Opens the real workbench (code-server + Chromium) with this extension loaded in development mode, for the UI tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { isNoise, launchBrowser, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import { artifactsDir, repoRoot } from './processes';
import { makeRunFolder } from './runFolder';

/** A workbench page and how to tear everything down. */
export interface Workbench {
  /** The VS Code workbench page, ready (activity bar visible). */
  page: Page;
  /** The workspace folder opened in it. */
  workspace: string;
  /** Closes Chromium, stops code-server and removes the temp folder. */
  close(): Promise<void>;
}

/** Options of {@link openWorkbench}. */
export interface WorkbenchOptions {
  /** Environment for code-server and the extension host (e.g. XCOM_LENS_TEST_SERVICES). */
  env?: NodeJS.ProcessEnv;
  /** Files to create in the workspace folder, by relative path. */
  files?: Record<string, string>;
}

/** Starts code-server and Chromium, opens a fresh workspace with the extension under development loaded. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const folder = makeRunFolder('xcom-lens-ui-');
  const tempDir = folder.path;
  const workspace = join(tempDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    folder.remove();
  };
  try {
    server = await startCodeServer({
      tempDir,
      env: options.env,
      echo: (line) => console.log(`      [code-server] ${line}`),
    });
    browser = await launchBrowser(tempDir);
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (error) => {
      if (!isNoise(error.message)) console.log(`      [workbench:pageerror] ${error.message}`);
    });
    await page.goto(workbenchUrl(server.baseUrl, workspace, repoRoot), { timeout: 60_000 });
    await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    return { page, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Saves a full-page screenshot to .artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(artifactsDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

// Steps the preview UI tests share: running a command from the palette, opening a preview with arguments
// (through a user keybinding, so the extension needs no test hook), and reading the system clipboard.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { memoryObject, startGeneratedObjectServer } from '../fixtures/servers/generatedObjects';
import { viewIcon } from './treeUi';
import { openWorkbench, screenshot, type Workbench } from './workbench';

/** The key bound to `xcomLens.preview` with the test's arguments. */
const KEY = 'F9';

/** Runs a command by its title from the command palette, once the palette's top entry is that command. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const top = widget.locator('.quick-input-list .monaco-list-row').first();
  for (let attempt = 0; attempt < 3; attempt++) {
    // A quick input still open (a file dialog closing, say) would take the keys meant for the palette.
    if (await input.isVisible()) {
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
    await page.keyboard.press('Control+Shift+P');
    const opened = await input.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    // Filled whole, so that no keystroke typed while the palette opens is lost.
    const filled =
      opened &&
      (await input.fill(`>${title}`, { timeout: 5_000 }).then(
        () => true,
        () => false,
      ));
    if (filled) {
      const found = await top
        .filter({ hasText: title })
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(
          () => true,
          () => false,
        );
      if (found && (await top.getAttribute('aria-label'))?.startsWith(title)) {
        await input.press('Enter');
        return;
      }
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`the command palette did not offer "${title}" (${await workbenchState(page, 'palette-missed')})`);
}

/** The innermost frame of the newest webview (the preview's document). */
export function newestWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/**
 * The column pinned at the left of a preview's grid, where the table's row index is shown: its header and its cells
 * (sorted), as ag-grid marks the last left-pinned header and cells.
 */
export async function pinnedColumn(panel: FrameLocator): Promise<{ header: string[]; cells: string[] }> {
  const texts = async (selector: string) => (await panel.locator(selector).allTextContents()).map((t) => t.trim());
  return {
    header: await texts('.ag-header-cell-last-left-pinned .ag-header-cell-text'),
    cells: (await texts('.ag-cell-last-left-pinned')).sort(),
  };
}

/** Reloads the window (through the command, which saves the open editors for the new page to restore). */
export async function reloadWindow(page: Page): Promise<void> {
  // A mark on the old page tells it from the new one: the reload has happened once the mark is gone.
  await page.evaluate(() => Object.assign(globalThis, { xcomLensBeforeReload: true }));
  await runCommand(page, 'Developer: Reload Window');
  const end = Date.now() + 60_000;
  for (;;) {
    const old = await page.evaluate(() => 'xcomLensBeforeReload' in globalThis).catch(() => true);
    if (!old) break;
    if (Date.now() > end) throw new Error(`the window did not reload (${await workbenchState(page, 'no-reload')})`);
    await page.waitForTimeout(200);
  }
  await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  // The extension's view container shows once the extension host has registered the extensions.
  await viewIcon(page)
    .waitFor({ state: 'visible', timeout: 60_000 })
    .catch(() => undefined);
}

/** What the workbench shows, for a message that says why a step timed out: notifications, and a screenshot. */
async function workbenchState(page: Page, name: string): Promise<string> {
  const notices = await page
    .locator('.notifications-toasts .notification-list-item-message')
    .allTextContents()
    .catch(() => []);
  const path = await screenshot(page, name).catch(() => 'no screenshot');
  return `notifications: ${JSON.stringify(notices)}; screenshot: ${path}`;
}

/**
 * Opens a preview of `args` (as `xcomLens.preview` takes them) and returns its frame once headers show (or what
 * `shown` selects, for a preview that has none: a refusal, say).
 */
export async function openPreview(
  wb: Workbench,
  page: Page,
  args: unknown,
  shown: string | ((frame: FrameLocator) => Locator) = '.ag-header-cell-text',
  attemptTimeoutMs = 20_000,
): Promise<FrameLocator> {
  // A preview left open would come back after the reload and be mistaken for the new one.
  if ((await page.locator('iframe.webview').count()) > 0) {
    await runCommand(page, 'View: Close All Editors');
    await page
      .locator('iframe.webview')
      .first()
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(() => undefined);
  }
  // The web workbench reads a keybindings.json created after startup only when the window reloads.
  writeFileSync(
    join(wb.workspace, '..', 'user-data', 'User', 'keybindings.json'),
    JSON.stringify([{ key: KEY.toLowerCase(), command: 'xcomLens.preview', args }]),
  );
  await reloadWindow(page);
  const frame = newestWebview(page);
  const target = typeof shown === 'string' ? frame.locator(shown).first() : shown(frame).first();
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.waitForTimeout(1500);
    // The key goes to the editor area: a notification or an open quick input would take it.
    await page.keyboard.press('Escape');
    await page
      .locator('.monaco-workbench .part.editor')
      .click()
      .catch(() => undefined);
    await page.keyboard.press(KEY);
    try {
      await target.waitFor({ state: 'visible', timeout: attemptTimeoutMs });
      return frame;
    } catch {
      // The extension host may still be starting: press again.
    }
  }
  throw new Error(
    `the preview did not open after 5 presses of ${KEY} (${await workbenchState(page, 'preview-did-not-open')})`,
  );
}

/** Switches the color theme in user settings and reloads the window: the preview must come back by itself. */
export async function setTheme(wb: Workbench, page: Page, theme: string): Promise<FrameLocator> {
  const file = join(wb.workspace, '..', 'user-data', 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': theme }, null, 2));
  await reloadWindow(page);
  const frame = newestWebview(page);
  await frame.locator('.ag-header-cell-text').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(1000);
  return frame;
}

/** `xcomLens.preview` arguments for an object of a loopback S3 server (path-style, test region by default). */
export function s3PreviewArgs(endpointUrl: string, bucket: string, key: string, region = 'us-east-1') {
  return { s3: { bucket, key, endpointUrl, region, forcePathStyle: true } };
}

/** Credentials the loopback S3 stand-ins take, in the region s3PreviewArgs names, for the extension host's env. */
export const STAND_IN_AWS_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

/** The grid's "showing N of M rows" line once it says `shown` of `total`. */
export function showingRows(grid: FrameLocator, shown: number, total: number): Locator {
  const n = (count: number) => count.toLocaleString('en-US');
  return grid.locator('#showing').filter({ hasText: `showing ${n(shown)} of ${n(total)} rows` });
}

/** The grid's cell of row `row` (its index in the grid's order) and column `colId`. */
export function gridCell(grid: FrameLocator, row: number, colId: string): Locator {
  return grid.locator(`.ag-row[row-index="${row}"] [col-id="${colId}"]`).first();
}

/** A CSV served by a loopback S3 stand-in, previewed in a fresh workbench. */
export interface ServedCsvPreview {
  wb: Workbench;
  grid: FrameLocator;
  /** Closes the workbench, then the stand-in. */
  close(): Promise<void>;
}

/**
 * Serves `csv` (`rows` rows) as `bucket`/`key` from a loopback S3 stand-in and previews it in a fresh workbench whose
 * grid asks the table worker for rows, sorts and searches past 1,000 rows (xcomLens.preview.clientRowCap); resolves
 * once the grid shows every row.
 */
export async function openServedCsvPreview(
  csv: string,
  rows: number,
  bucket: string,
  key: string,
): Promise<ServedCsvPreview> {
  const server = await startGeneratedObjectServer({
    [`${bucket}/${key}`]: memoryObject(new TextEncoder().encode(csv)),
  });
  let wb: Workbench | undefined;
  const close = async () => {
    await wb?.close();
    await server.close();
  };
  try {
    wb = await openWorkbench({
      env: STAND_IN_AWS_ENV,
      files: { '.vscode/settings.json': JSON.stringify({ 'xcomLens.preview.clientRowCap': 1000 }) },
    });
    const grid = await openPreview(wb, wb.page, s3PreviewArgs(server.endpoint, bucket, key));
    await showingRows(grid, rows, rows).waitFor({ timeout: 60_000 });
    return { wb, grid, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Logs what a preview panel shows (progress, status, messages, the first rows) and saves a screenshot: for a step
 * that timed out, before its error is thrown.
 */
export async function logPanelState(page: Page, panel: FrameLocator, shot: string): Promise<void> {
  const text = async (selector: string) => (await panel.locator(selector).allTextContents()).join(' | ');
  console.log(
    `      progress: ${await text('#progress')}; showing: ${await text('#showing')}; messages: ${await text('.warning, .error')}`,
  );
  console.log(`      rows: ${(await panel.locator('.ag-row').allTextContents()).slice(0, 5).join(' / ')}`);
  console.log(`      ${await screenshot(page, shot)}`);
}

/** Waits for `step`; when it fails (a wait timed out), logs what the panel shows (logPanelState) before throwing. */
export async function waitOrLog<T>(page: Page, panel: FrameLocator, step: Promise<T>, shot: string): Promise<T> {
  try {
    return await step;
  } catch (e) {
    await logPanelState(page, panel, shot);
    throw e;
  }
}

/** Lets the page read the clipboard the workbench writes (what the extension's copy commands put there). */
export async function allowClipboard(page: Page): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
}

/** The system clipboard's text, once it differs from `previous` (copies go through the extension host). */
export async function clipboardAfter(page: Page, previous: string, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    if (text !== previous || Date.now() > end) return text;
    await page.waitForTimeout(200);
  }
}

/** Puts known text on the clipboard, so that the next copy can be told apart. */
export async function resetClipboard(page: Page): Promise<string> {
  const marker = `before-${Date.now()}`;
  await page.evaluate(
    (t) =>
      (
        globalThis as unknown as { navigator: { clipboard: { writeText(s: string): Promise<void> } } }
      ).navigator.clipboard.writeText(t),
    marker,
  );
  return marker;
}

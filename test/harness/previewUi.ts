// Steps the preview UI tests share: running a command from the palette, opening a preview with arguments
// (through a user keybinding, so the extension needs no test hook), and reading the system clipboard.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

/** The key bound to `xcomLens.preview` with the test's arguments. */
const KEY = 'F9';

/** Runs a command by its title from the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.keyboard.type(title);
  await page.waitForTimeout(700);
  await page.keyboard.press('Enter');
}

/** The innermost frame of the newest webview (the preview's document). */
export function newestWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/**
 * Opens a preview of `args` (as `xcomLens.preview` takes them) and returns its frame once headers show (or what
 * `shown` selects, for a preview that has none: a refusal, say).
 */
export async function openPreview(
  wb: Workbench,
  page: Page,
  args: unknown,
  shown = '.ag-header-cell-text',
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
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForTimeout(2000);
  await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  const frame = newestWebview(page);
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.waitForTimeout(1500);
    await page
      .locator('.monaco-workbench .part.editor')
      .click()
      .catch(() => undefined);
    await page.keyboard.press(KEY);
    try {
      await frame.locator(shown).first().waitFor({ state: 'visible', timeout: 20_000 });
      return frame;
    } catch {
      // The extension host may still be starting: press again.
    }
  }
  throw new Error('the preview did not open');
}

/** Switches the color theme in user settings and reloads the window: the preview must come back by itself. */
export async function setTheme(wb: Workbench, page: Page, theme: string): Promise<FrameLocator> {
  const file = join(wb.workspace, '..', 'user-data', 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': theme }, null, 2));
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForTimeout(2000);
  await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  const frame = newestWebview(page);
  await frame.locator('.ag-header-cell-text').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(1000);
  return frame;
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

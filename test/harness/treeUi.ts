// The Airflow tree as a user clicks it in the workbench: open the view, find a row by its accessible name, expand it.
import type { Locator, Page } from 'playwright-core';

/** The XCom Lens icon in the activity bar. */
export function viewIcon(page: Page): Locator {
  return page.locator('.activitybar').getByRole('tab', { name: /^XCom Lens/ });
}

/**
 * Opens the XCom Lens view unless it is open already (clicking its tab again would close the side bar). After a
 * reload the workbench restores its side bar on its own a moment later, so the check repeats until the view's tab is
 * selected with the side bar shown, whichever of the two opened it.
 */
export async function showView(page: Page): Promise<void> {
  const tab = viewIcon(page);
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  const sideBar = page.locator('.part.sidebar');
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const selected = (await tab.getAttribute('aria-selected')) === 'true';
    if (selected && (await sideBar.isVisible())) return;
    if (!selected) await tab.click();
    await page.waitForTimeout(500);
  }
  throw new Error('the XCom Lens view did not open');
}

/** The first tree row of the XCom Lens view whose accessible name matches `name`. */
export function treeItem(page: Page, name: string | RegExp): Locator {
  return page.locator('.pane-body').getByRole('treeitem', { name }).first();
}

/** Clicks the row open unless it is expanded already, and waits until the workbench says it is. */
export async function expand(page: Page, name: string | RegExp): Promise<void> {
  const item = treeItem(page, name);
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await item.elementHandle(), {
    timeout: 30_000,
  });
}

/** Right-clicks `row` and chooses `label` from its context menu. */
export async function chooseFromMenu(page: Page, row: Locator, label: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page
    .locator('.context-view .action-label', {
      hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    })
    .first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  // The menu fades in; a click during the animation can be lost, so hover first and wait for the highlight.
  await item.hover();
  await page.locator('.context-view .action-item.focused', { hasText: label }).waitFor({ timeout: 10_000 });
  // A click on a busy machine can still be lost while the item is highlighted: the menu then stays open. Clicked
  // again only while it is open, so the command runs once.
  for (let attempt = 0; attempt < 3; attempt++) {
    await item.click();
    const closed = await item.waitFor({ state: 'hidden', timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
  }
  throw new Error(`the context menu stayed open after three clicks on "${label}"`);
}

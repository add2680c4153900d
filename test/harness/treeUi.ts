// The Airflow tree as a user clicks it in the workbench: find a row by its accessible name, expand it.
import type { Locator, Page } from 'playwright-core';

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

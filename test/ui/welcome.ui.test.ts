// Foundation, seen from outside: with no connection, the XCom Lens activity-bar icon opens a welcome view that
// says so and offers to add one.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { viewIcon } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

describe('welcome view', function () {
  this.timeout(180_000);
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the connect prompt when the activity-bar icon is clicked', async () => {
    const page = workbench!.page;
    const icon = viewIcon(page);
    await icon.click({ timeout: 60_000 });
    const welcome = page.locator('.pane-body .welcome-view-content');
    await welcome
      .getByText('No Airflow metadata database is connected yet.')
      .waitFor({ state: 'visible', timeout: 60_000 });
    const addConnection = welcome.getByRole('button', { name: 'Add Connection', exact: true });
    await addConnection.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await addConnection.isEnabled(), true);
    // Let activation finish so that the screenshot shows the settled view.
    for (const busy of [
      '.part.statusbar .codicon-modifier-spin',
      '.pane-body .monaco-progress-container.active',
      '.activitybar .badge .codicon-modifier-spin',
    ]) {
      await page
        .locator(busy)
        .first()
        .waitFor({ state: 'hidden', timeout: 15_000 })
        .catch(() => undefined);
    }
    // No hover tooltip in the screenshot.
    await page.mouse.move(700, 450);
    await page
      .locator('.monaco-hover, .workbench-hover')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
    const path = await screenshot(page, 'welcome');
    assert.ok(existsSync(path));
  });
});

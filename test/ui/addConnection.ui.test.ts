// Adding a connection the way a user does: the welcome view's Add Connection button, the quick pick, the URL and
// name input boxes; then the tree shows the DB. A wrong URL is refused in the input box with a reason.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { showView } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

describe('adding a connection from the welcome view', function () {
  this.timeout(180_000);
  let workbench: Workbench | undefined;
  let dbPath: string;

  before(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-add-')), 'airflow.db');
    await createSqliteFixture(dbPath, 3);
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('walks through the prompts and shows the new connection in the tree', async () => {
    const page = workbench!.page;
    await showView(page);
    await page
      .locator('.pane-body .welcome-view-content')
      .getByRole('button', { name: 'Add Connection', exact: true })
      .click({ timeout: 60_000 });
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.getByText('Enter a database URL…').click({ timeout: 30_000 });
    const input = quickInput.locator('input.input');
    await input.fill('oracle://scott@db/orcl');
    await quickInput.getByText(/Unsupported scheme 'oracle'/).waitFor({ timeout: 10_000 });
    await screenshot(page, 'add-connection-bad-url');
    await input.fill(`sqlite:///${dbPath}`);
    await page.keyboard.press('Enter');
    await quickInput.getByText('Connection name').waitFor({ timeout: 10_000 });
    await input.fill('Local Airflow');
    await page.keyboard.press('Enter');
    const row = page.locator('.pane-body .monaco-list-row', { hasText: 'Local Airflow' }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.match((await row.textContent()) ?? '', /Airflow 3\.1\.0 · sqlite/);
    await screenshot(page, 'add-connection-done');
  });
});

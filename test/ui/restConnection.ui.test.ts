// Adding a REST connection the way a user does: Add Connection, the Airflow UI address pasted as copied from the
// browser (…/home, user name in it), the password typed into the password box; then the tree says what it found and
// lists the DAGs, and each XCom's value shows once read (the list carries none), an offloaded reference without a click. The API server is the
// spec-validating stand-in on loopback.
import * as assert from 'node:assert/strict';
import { API_USER, startAirflowApi, type AirflowApi } from '../fixtures/servers/airflowApi';
import { expand, showView, treeItem } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

describe('adding a REST API connection from the welcome view', function () {
  this.timeout(180_000);
  let workbench: Workbench | undefined;
  let airflow: AirflowApi;

  before(async () => {
    airflow = await startAirflowApi({ generation: 3 });
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
    assert.deepEqual(airflow.violations, [], 'every request and response matches the official spec');
    await airflow.stop();
  });

  it('takes the pasted UI address and password, says what it found and lists the DAGs', async () => {
    const page = workbench!.page;
    await showView(page);
    await page
      .locator('.pane-body .welcome-view-content')
      .getByRole('button', { name: 'Add Connection', exact: true })
      .click({ timeout: 60_000 });
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.getByText('Enter a database URL…').click({ timeout: 30_000 });
    const input = quickInput.locator('input.input');
    const address = airflow.url.replace('http://', `http://${API_USER.username}@`);
    await input.fill(`${address}/home`);
    await page.keyboard.press('Enter');
    await quickInput.getByText(`Password for ${API_USER.username}`).waitFor({ timeout: 10_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the password is typed into a password box');
    await input.fill(API_USER.password);
    await page.keyboard.press('Enter');
    await quickInput.getByText('Connection name').waitFor({ timeout: 10_000 });
    await input.fill('Team Airflow');
    await page.keyboard.press('Enter');
    const row = page.locator('.pane-body .monaco-list-row', { hasText: 'Team Airflow' }).first();
    await row.waitFor({ timeout: 60_000 });
    await page
      .locator('.pane-body .monaco-list-row', { hasText: 'Airflow 3.1.0 · REST API · JWT (password login)' })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.ok(!((await row.textContent()) ?? '').includes(API_USER.password), 'no password in the tree');
    await expand(page, /^Team Airflow/);
    await treeItem(page, /^etl/).waitFor({ timeout: 30_000 });
    await expand(page, /^etl/);
    await expand(page, /scheduled__2024-01-03/);
    await expand(page, /^extract/);
    const stats = page.locator('.pane-body .monaco-list-row', { hasText: 'stats' }).first();
    await stats.waitFor({ timeout: 30_000 });
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /stats.*rows/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const reference = page.locator('.pane-body .monaco-list-row', { hasText: 'return_value' }).first();
    await page.waitForFunction(
      (el) => (el?.textContent ?? '').includes('data_6f1c2b9e-4d3a-4f6e-9b8a-1c2d3e4f5a6b.csv'),
      await reference.elementHandle(),
      { timeout: 30_000 },
    );
    await screenshot(page, 'rest-connection-done');
  });
});

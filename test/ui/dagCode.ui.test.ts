// From the code to the data, clicked in code-server + Chromium: a DAG file of the workspace shows each task's latest
// state and XComs above its definition with Preview, Open Log and Reveal in Tree, also when the file is opened before
// the XCom Lens view: Reveal in Tree then opens the view and selects the task instance.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const DAG_FILE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dags', 'etl_orders.py');

describe('DAG code lenses (UI)', function () {
  this.timeout(180_000);
  let workbench: Workbench | undefined;
  let page: Page;

  before(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-dagcode-ui-')), 'airflow.db');
    // The fixture's etl_orders was parsed from /opt/airflow/dags/etl_orders.py; the workspace holds dags/etl_orders.py.
    await createSqliteFixture(dbPath, 2);
    const settings = { 'xcomLens.connections': [{ id: 'c1', name: 'Fixture', url: `sqlite:///${dbPath}` }] };
    workbench = await openWorkbench({
      files: {
        '.vscode/settings.json': JSON.stringify(settings),
        'dags/etl_orders.py': readFileSync(DAG_FILE, 'utf8'),
      },
    });
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `dagcode-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await workbench?.close();
  });

  it("shows the tasks' latest states above their lines in a DAG file opened before the view; Reveal in Tree", async () => {
    await page.keyboard.press('Control+P');
    await page.keyboard.type('etl_orders.py');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'etl_orders.py' })
      .first()
      .click({ timeout: 30_000 });
    const lenses = page.locator('.monaco-editor .codelens-decoration');
    await lenses.filter({ hasText: '✓ success · 1 XCom' }).first().waitFor({ timeout: 60_000 });
    await lenses.filter({ hasText: '✗ failed · 0 XComs' }).first().waitFor({ timeout: 30_000 });
    const transform = lenses.filter({ hasText: '✗ failed · 0 XComs' }).first();
    assert.match(
      ((await transform.textContent()) ?? '').replace(/\s+/g, ' '),
      /^✗ failed · 0 XComs · 2024-01-03 00:00 \| Preview: no table XCom \| Open Log \| Reveal in Tree$/,
    );
    console.log(`      code lenses: ${await screenshot(page, 'dagcode-lenses')}`);
    // The XCom Lens view was never shown: Reveal in Tree opens it, loads it and selects transform.
    await transform.getByRole('button', { name: 'Reveal in Tree', exact: true }).click();
    const selected = page.locator('.pane-body .monaco-list-row[aria-selected="true"]');
    await selected.filter({ hasText: 'transform' }).waitFor({ timeout: 30_000 });
    assert.match((await selected.first().textContent()) ?? '', /transform/);
    console.log(`      revealed: ${await screenshot(page, 'dagcode-revealed')}`);
  });
});

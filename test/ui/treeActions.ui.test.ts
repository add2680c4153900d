// The tree's own actions, clicked: Filter DAGs (inline on the connection), Filter Runs by State (inline on a DAG),
// Search XComs (view title) with the hit revealed, and a JSON XCom opened by a click.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';
import { expand, showView } from '../harness/treeUi';

function row(page: Page, text: string | RegExp): Locator {
  return page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
}

async function rowAction(page: Page, text: string | RegExp, action: RegExp): Promise<void> {
  const target = row(page, text);
  await target.hover();
  await target.getByRole('button', { name: action }).click({ timeout: 10_000 });
}

async function labels(page: Page): Promise<string[]> {
  return page.locator('.pane-body .monaco-list-row .label-name').allTextContents();
}

describe('tree actions, clicked', function () {
  this.timeout(180_000);
  let workbench: Workbench | undefined;
  let page: Page;

  before(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-actions-')), 'airflow.db');
    await createSqliteFixture(dbPath, 2);
    const settings = { 'xcomLens.connections': [{ id: 'c1', name: 'Fixture', url: `sqlite:///${dbPath}` }] };
    workbench = await openWorkbench({ files: { '.vscode/settings.json': JSON.stringify(settings) } });
    page = workbench.page;
    await showView(page);
    await expand(page, /^Fixture/);
    await row(page, 'etl_orders').waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await screenshot(page, `tree-actions-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(
        () => undefined,
      );
  });

  after(async () => {
    await workbench?.close();
  });

  it("filters DAGs from the connection's inline action", async () => {
    await rowAction(page, 'Fixture', /Filter DAGs/);
    const input = page.locator('.quick-input-widget input.input');
    await input.fill('mapped');
    await page.keyboard.press('Enter');
    await page
      .locator('.pane-body .monaco-list-row', { hasText: 'etl_orders' })
      .waitFor({ state: 'detached', timeout: 30_000 });
    const shown = await labels(page);
    assert.ok(shown.includes('fanout_mapped'), shown.join(' | '));
    assert.ok(!shown.includes('many_runs') && !shown.includes('xcom_zoo'), shown.join(' | '));
    await screenshot(page, 'tree-filter-dags');
    await rowAction(page, 'Fixture', /Filter DAGs/);
    await input.fill('');
    await page.keyboard.press('Enter');
    await row(page, 'etl_orders').waitFor({ timeout: 30_000 });
  });

  it('shows only failed runs after picking "failed" in the DAG\'s state filter', async () => {
    await row(page, 'etl_orders').click();
    await row(page, /scheduled__2024-01-01/).waitFor({ timeout: 30_000 });
    await rowAction(page, 'etl_orders', /Filter Runs by State/);
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('.monaco-list-row', { hasText: /^failed$/ }).click({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page
      .locator('.pane-body .monaco-list-row', { hasText: 'scheduled__2024-01-01' })
      .waitFor({ state: 'detached', timeout: 30_000 });
    assert.match((await row(page, 'etl_orders').textContent()) ?? '', /runs: failed/);
    assert.ok((await labels(page)).includes('scheduled__2024-01-03T00:00:00+00:00'));
    await screenshot(page, 'tree-failed-runs');
  });

  it('finds an XCom with Search XComs and reveals it in the tree', async () => {
    await page
      .locator('.part.sidebar')
      .getByRole('button', { name: /Search XComs/ })
      .click({ timeout: 10_000 });
    const input = page.locator('.quick-input-widget input.input');
    await input.fill('json_dict');
    const hit = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'json_dict' }).first();
    await hit.waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await row(page, 'json_dict').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('.pane-body .monaco-list-row.selected').textContent()) ?? '', /json_dict/);
    await screenshot(page, 'tree-search-reveal');
  });

  it('opens a JSON XCom in a read-only editor with a click', async () => {
    await row(page, 'json_dict').click();
    const editor = page.locator('.editor-instance .view-lines');
    await editor.waitFor({ timeout: 30_000 });
    await editor.getByText('"a"').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'tree-open-value');
  });
});

// A new user's first open: code-server started with only Airflow's own environment variables (the metadata DB URL
// and the XCom backend), no XCom Lens settings. The view shows the DB at once, marked detected, with its DAGs and
// no click; tooltips show task ids as they are; Save keeps it, and after a window reload it is still there,
// expanded; a collapse is remembered across the next reload.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { expand, showView, treeItem } from '../harness/treeUi';
import { reloadWindow } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

async function reload(page: Page): Promise<void> {
  await reloadWindow(page);
  await showView(page);
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${what}`);
}

describe("first open with only Airflow's environment", function () {
  this.timeout(240_000);
  let workbench: Workbench | undefined;
  let page: Page;
  let dbPath: string;
  const connectionRow = () => treeItem(page, /^airflow\.db/);

  before(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-first-open-')), 'airflow.db');
    await createSqliteFixture(dbPath, 3);
    workbench = await openWorkbench({
      env: {
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${dbPath}`,
        AIRFLOW__CORE__XCOM_BACKEND: 'include.s3_xcom_backend.S3XComBackend',
      },
    });
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await screenshot(page, `first-open-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the DB Airflow names, marked detected, with its DAGs, without a click in the tree', async () => {
    await showView(page);
    await treeItem(page, /^etl_orders/).waitFor({ state: 'visible', timeout: 60_000 });
    await treeItem(page, /^xcom_zoo/).waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await connectionRow().textContent()) ?? '', /detected · Airflow 3\.1\.0 · sqlite/);
    assert.equal(await connectionRow().getAttribute('aria-expanded'), 'true');
    assert.equal(await page.getByText('No Airflow metadata database is connected yet.').count(), 0);
    await connectionRow().hover();
    await connectionRow().getByRole('button', { name: 'Save Connection' }).waitFor({ timeout: 10_000 });
    await connectionRow().getByRole('button', { name: 'Dismiss Detected Connection' }).waitFor({ timeout: 10_000 });
    await page.mouse.move(900, 600);
    await screenshot(page, 'first-open-detected');
  });

  it('shows the task id in an XCom tooltip as it is, with no escape backslash', async () => {
    await expand(page, /^xcom_zoo/);
    await expand(page, /manual__2024-01-01/);
    await expand(page, /^push_everything/);
    const xcom = treeItem(page, /^json_int/);
    await xcom.waitFor({ timeout: 30_000 });
    await xcom.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'json_int' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /json_int from push_everything/);
    assert.doesNotMatch(text, /\\/, `no backslash shown: ${text}`);
    await page.mouse.move(900, 600);
    await page.keyboard.press('Escape');
    // Leave the DAG as it was: collapsed.
    await treeItem(page, /^xcom_zoo/).click();
  });

  it('Save keeps it: after a reload it is saved and expanded; a collapse survives the next reload', async () => {
    await connectionRow().hover();
    await connectionRow().getByRole('button', { name: 'Save Connection' }).click({ timeout: 10_000 });
    await eventually(
      async () => !/detected/.test((await connectionRow().textContent()) ?? ''),
      'the saved connection replaces the detected one',
    );
    const settingsFile = join(workbench!.workspace, '..', 'user-data', 'User', 'settings.json');
    await eventually(
      () => readFileSync(settingsFile, 'utf8').includes(`sqlite:///${dbPath}`),
      'the connection is in the user settings',
    );

    await reload(page);
    await treeItem(page, /^etl_orders/).waitFor({ state: 'visible', timeout: 60_000 });
    assert.doesNotMatch((await connectionRow().textContent()) ?? '', /detected/);
    assert.equal(await connectionRow().getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'first-open-saved-after-reload');

    await connectionRow().click();
    await eventually(async () => (await connectionRow().getAttribute('aria-expanded')) === 'false', 'collapsed');
    await page.waitForTimeout(1000);
    await reload(page);
    await connectionRow().waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForTimeout(2000);
    assert.equal(await connectionRow().getAttribute('aria-expanded'), 'false', 'the collapse was remembered');
    assert.equal(await treeItem(page, /^etl_orders/).count(), 0);
  });
});

// From a failed task to its cause, clicked once through in code-server + Chromium, in the light and the dark theme:
// Recent failures → the failed task instance → Open Log (read from the log folder beside the SQLite DB, the final
// traceback in view) → the traceback frame's link to the DAG file's line → the CodeLens above the task (state and
// XCom count) → its Open Log and Reveal in Tree (the run's task instance selected) → Open Task Definition.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { runCommand } from '../harness/previewUi';
import { expand, showView, treeItem } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const DAG_FILE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dags', 'etl_orders.py');
const RUN = 'scheduled__2024-01-03T00:00:00+00:00';

/** The log of a failed try of transform: 300 lines of progress, then a traceback through the DAG file's line 21. */
function failedTryLog(tryNumber: number): string {
  const progress = Array.from({ length: 300 }, (_, i) => `[2024-01-03T00:0${tryNumber}:00] INFO - batch ${i} done`);
  return [
    `[2024-01-03T00:0${tryNumber}:00] INFO - Starting attempt ${tryNumber} of 2`,
    ...progress,
    '[2024-01-03T00:12:00] ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/site-packages/airflow/models/taskinstance.py", line 465, in _execute_task',
    '    result = _execute_callable(context=context, **execute_callable_kwargs)',
    '  File "/opt/airflow/dags/etl_orders.py", line 21, in <lambda>',
    `ValueError: orders without customer (try ${tryNumber})`,
    '',
  ].join('\n');
}

/** The text of the lines the active editor shows. */
async function visibleLines(page: Page): Promise<string> {
  const lines = await page
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .allTextContents();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** The cursor position the status bar shows ("Ln 21, Col 1"). */
function cursorAt(page: Page, line: number): Locator {
  return page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) });
}

/** Opens a workspace file with Quick Open (Ctrl+P). */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click({ timeout: 30_000 });
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
}

/**
 * A lens link that runs its command. A file opened again first shows VS Code's cached copy of its lenses, titles
 * without commands (plain text), until the provider's lenses are resolved: only then is the title a button.
 */
function lensLink(lens: Locator, title: string): Locator {
  return lens.getByRole('button', { name: title, exact: true });
}

/** Hovers a tree row and clicks one of its inline actions. */
async function rowAction(row: Locator, action: RegExp): Promise<void> {
  await row.hover();
  await row.getByRole('button', { name: action }).click({ timeout: 10_000 });
}

describe('from a failed task to its cause (UI)', function () {
  this.timeout(300_000);
  let workbench: Workbench | undefined;
  let page: Page;
  let settingsFile: string;
  let settings: Record<string, unknown>;

  before(async () => {
    // An Airflow home as `airflow standalone` leaves it: the SQLite DB, and task logs in logs/ beside it under
    // Airflow 2's default log_filename_template.
    const home = mkdtempSync(join(tmpdir(), 'xcom-lens-cause-ui-'));
    const dbPath = join(home, 'airflow.db');
    await createSqliteFixture(dbPath, 2);
    for (const tryNumber of [1, 2]) {
      const file = join(home, 'logs', `dag_id=etl_orders/run_id=${RUN}/task_id=transform/attempt=${tryNumber}.log`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, failedTryLog(tryNumber));
    }
    settings = { 'xcomLens.connections': [{ id: 'c1', name: 'Fixture', url: `sqlite:///${dbPath}` }] };
    workbench = await openWorkbench({
      files: {
        '.vscode/settings.json': JSON.stringify(settings),
        'dags/etl_orders.py': readFileSync(DAG_FILE, 'utf8'),
      },
    });
    page = workbench.page;
    settingsFile = join(workbench.workspace, '.vscode', 'settings.json');
    await showView(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    await screenshot(page, `cause-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    const toasts = await page.locator('.notifications-toasts').allTextContents();
    console.log(`      notifications: ${JSON.stringify(toasts)}`);
  });

  after(async () => {
    await workbench?.close();
  });

  for (const [theme, shade, workbenchClass] of [
    ['Default Light Modern', 'light', 'vs'],
    ['Default Dark Modern', 'dark', 'vs-dark'],
  ] as const) {
    it(`goes from Recent failures to the log, the DAG file's line, the tree and back to the code (${shade})`, async () => {
      writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': theme }));
      await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 30_000 });
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 30_000 });

      // Recent failures → the failed transform → its inline Open Log → the latest try.
      await expand(page, /^Fixture/);
      await expand(page, /^Recent failures/);
      const failed = treeItem(page, /^etl_orders › transform/);
      await failed.click();
      await rowAction(failed, /^Open Log/);
      const tries = page.locator('.quick-input-widget .monaco-list-row');
      await tries.filter({ hasText: 'Try 2' }).first().waitFor({ timeout: 30_000 });
      assert.deepEqual(
        (await tries.locator('.label-name').allTextContents()).map((t) => t.trim()),
        ['Try 2', 'Try 1'],
      );
      await page.keyboard.press('Enter');
      const tab = page.locator('.tab.active', { hasText: 'transform try 2 on worker-1.log' });
      await tab.waitFor({ timeout: 30_000 });
      // The final traceback is at the top of the editor, not the 300 lines of progress before it.
      await page
        .locator('.editor-group-container.active .view-line', { hasText: 'Traceback (most recent call last)' })
        .waitFor({ timeout: 30_000 });
      const shown = await visibleLines(page);
      assert.match(shown, /ValueError: orders without customer \(try 2\)/);
      assert.doesNotMatch(shown, /batch 10 done/);
      console.log(`      log (${shade}): ${await screenshot(page, `cause-log-${shade}`)}`);

      // The frame in the DAG file links to dags/etl_orders.py line 21; installed code does not.
      const link = page.locator('.editor-group-container.active .detected-link', { hasText: 'etl_orders.py' });
      await link.waitFor({ timeout: 30_000 });
      assert.equal(
        await page.locator('.editor-group-container.active .detected-link', { hasText: 'site-packages' }).count(),
        0,
      );
      // Ctrl+click where the link is: the editor redraws a link it hovers with Ctrl held (the element is replaced),
      // so a click that waits for the same element to stay put can wait for ever.
      const box = await link.boundingBox();
      assert.ok(box, 'the link is on screen');
      await page.keyboard.down('ControlOrMeta');
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.up('ControlOrMeta');
      await page.locator('.tab.active', { hasText: 'etl_orders.py' }).waitFor({ timeout: 30_000 });
      await cursorAt(page, 21).waitFor({ timeout: 30_000 });

      // Above transform's line: its latest run's state and XCom count, Preview, Open Log and Reveal in Tree.
      const lens = page
        .locator('.editor-group-container.active .codelens-decoration')
        .filter({ hasText: '✗ failed · 0 XComs' })
        .first();
      await lens.waitFor({ timeout: 60_000 });
      assert.match(
        ((await lens.textContent()) ?? '').replace(/\s+/g, ' '),
        /^✗ failed · 0 XComs · 2024-01-03 00:00 \| Preview: no table XCom \| Open Log \| Reveal in Tree$/,
      );
      console.log(
        `      DAG file at the frame's line (${shade}): ${await screenshot(page, `cause-dag-file-${shade}`)}`,
      );

      // The lens's Open Log opens the latest try at once, the traceback in view.
      await lensLink(lens, 'Open Log').click();
      await page.locator('.tab.active', { hasText: 'transform try 2 on worker-1.log' }).waitFor({ timeout: 30_000 });
      await page
        .locator('.editor-group-container.active .view-line', {
          hasText: 'ValueError: orders without customer (try 2)',
        })
        .waitFor({ timeout: 30_000 });

      // Back in the DAG file (the log took the place of its preview tab), Reveal in Tree selects the run's transform
      // (not the Recent failures entry).
      await quickOpen(page, 'etl_orders.py');
      await lensLink(lens, 'Reveal in Tree').click({ timeout: 60_000 });
      const selected = page.locator('.pane-body .monaco-list-row[aria-selected="true"]');
      await selected.filter({ hasText: /^transform/ }).waitFor({ timeout: 30_000 });
      assert.equal(await selected.count(), 1);
      assert.match((await selected.getAttribute('aria-label')) ?? '', /^transform/);
      assert.equal(await treeItem(page, /^scheduled__2024-01-03/).getAttribute('aria-expanded'), 'true');
      console.log(`      revealed (${shade}): ${await screenshot(page, `cause-revealed-${shade}`)}`);

      // Open Task Definition from the selected row: the DAG file at transform's definition (line 21).
      await page.locator('.editor-group-container.active .view-line').first().click();
      await page.keyboard.press('Control+Home');
      await cursorAt(page, 1).waitFor({ timeout: 30_000 });
      await rowAction(selected, /^Open Task Definition/);
      await page.locator('.tab.active', { hasText: 'etl_orders.py' }).waitFor({ timeout: 30_000 });
      await cursorAt(page, 21).waitFor({ timeout: 30_000 });
      console.log(`      task definition (${shade}): ${await screenshot(page, `cause-definition-${shade}`)}`);
    });
  }
});

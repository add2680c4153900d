// The VSIX a user installs: built for production, holding only the bundles, media, manifest and docs, and
// installable into a real VS Code (code-server).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeServerCli, launchBrowser, startCodeServer } from '../harness/codeServer';
import { showView } from '../harness/treeUi';
import { screenshot } from '../harness/workbench';
import { repoRoot } from '../harness/processes';
import { zipEntries } from '../harness/zip';

const execFileAsync = promisify(execFile);

/** What may ship: vsix metadata, the bundles, media and the docs (vsce renames README, CHANGELOG and LICENSE). */
const allowed = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.txt)?$/i,
  /^extension\/dist\/(extension\.js|csvWorker\.js|tableWorker\.js|sqliteWorker\.js|decodeWorker\.js|webview\.js|webview\.css)$/,
  /^extension\/media\/[^/].*$/,
];

describe('VSIX package', function () {
  this.timeout(180_000);
  let tempDir: string;
  let vsix: string;

  before(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'xcom-lens-vsix-'));
    vsix = join(tempDir, 'xcom-lens.vsix');
    await execFileAsync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot, timeout: 120_000 });
    await execFileAsync(
      process.execPath,
      [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix],
      {
        cwd: repoRoot,
        timeout: 120_000,
        // vsce runs the vscode:prepublish script with npm, which must find this Node first.
        env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}` },
      },
    );
  });

  after(async () => {
    // Leave dist/ as the development build that the other levels and F5 expect (with source maps).
    await execFileAsync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, timeout: 120_000 }).catch(() => undefined);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  it('holds only the bundles, media, manifest and docs', () => {
    const entries = zipEntries(readFileSync(vsix));
    const unexpected = entries.filter((name) => !allowed.some((pattern) => pattern.test(name)));
    assert.deepEqual(unexpected, [], `unexpected files in the VSIX: ${unexpected.join(', ')}`);
    for (const required of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/csvWorker.js',
      'extension/dist/tableWorker.js',
      'extension/dist/sqliteWorker.js',
      'extension/dist/decodeWorker.js',
      'extension/dist/webview.js',
      'extension/media/icon.png',
      'extension/media/activity-bar.svg',
    ]) {
      assert.ok(entries.includes(required), `missing ${required}`);
    }
    assert.ok(
      entries.some((name) => /^extension\/readme\.md$/i.test(name)),
      'missing README',
    );
    assert.ok(
      entries.some((name) => /^extension\/changelog\.md$/i.test(name)),
      'missing CHANGELOG',
    );
    assert.ok(
      entries.some((name) => /^extension\/LICENSE/i.test(name)),
      'missing LICENSE',
    );
    assert.equal(entries.filter((name) => /\.map$|\/(src|test|node_modules)\//.test(name)).length, 0);
  });

  it('installs into code-server', async () => {
    const extensionsDir = join(tempDir, 'extensions');
    await codeServerCli(tempDir, extensionsDir, ['--install-extension', vsix]);
    const listed = (await codeServerCli(tempDir, extensionsDir, ['--list-extensions', '--show-versions'])).split('\n');
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    assert.ok(listed.includes(`xcom-lens.xcom-lens@${version}`), `not listed: ${listed.join(' | ')}`);
  });

  it('once installed, shows the XCom Lens view container in the workbench', async () => {
    const extensionsDir = join(tempDir, 'extensions');
    const workspace = join(tempDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const server = await startCodeServer({ tempDir, extensionsDir });
    const browser = await launchBrowser(tempDir);
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      // No extensionDevelopmentPath: only the installed VSIX provides XCom Lens.
      await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
      await showView(page);
      await page
        .locator('.pane-body .welcome-view-content')
        .getByText('No Airflow metadata database is connected yet.')
        .waitFor({ timeout: 60_000 });
      await screenshot(page, 'vsix-installed');
    } finally {
      await browser.close().catch(() => undefined);
      await server.stop();
    }
  });
});

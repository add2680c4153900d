// What the extension-host suites share: the test servers' coordinates, and the Airflow tree walked the way VS Code
// walks it (through the provider's getChildren and getTreeItem).
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes/treeNode';
import { createSqliteFixture, type StandardFixtureOptions } from '../fixtures/airflow/builder';
import { seedOffloadedObjects } from '../fixtures/s3/seedOffloadedObjects';
import { TEST_SERVICES_ENV, type TestServices } from '../integration/services';

/** The servers the launcher started for this run. */
export function testServices(): TestServices {
  const raw = process.env[TEST_SERVICES_ENV];
  assert.ok(raw, `${TEST_SERVICES_ENV} is not set: run through the harness`);
  return JSON.parse(raw) as TestServices;
}

/** The test S3 server, which the extension-host level always starts. */
export function s3Service(): NonNullable<TestServices['s3']> {
  const { s3 } = testServices();
  assert.ok(s3, 'the launcher started no S3 server');
  return s3;
}

/** A tree item's label as text. */
export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** Removes every connection from the user settings. */
export async function removeAllConnections(): Promise<void> {
  await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
}

/** Walks the tree the way VS Code does: through the provider's getChildren and getTreeItem. */
export class TreeWalker {
  constructor(private readonly api: XComLensApi) {}

  /** The children of `node`, or the roots. */
  async children(node?: TreeNode): Promise<TreeNode[]> {
    return (await this.api.tree.getChildren(node)) ?? [];
  }

  /** The TreeItem VS Code would show for `node`. */
  item(node: TreeNode): vscode.TreeItem {
    return this.api.tree.getTreeItem(node) as vscode.TreeItem;
  }

  /** The labels of `nodes`. */
  labels(nodes: TreeNode[]): string[] {
    return nodes.map((n) => labelOf(this.item(n)));
  }

  /** The child of `node` (or the root) labelled `label`; fails the test, listing the children, when there is none. */
  async child(node: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
    const kids = await this.children(node);
    const found = kids.find((n) =>
      typeof label === 'string' ? labelOf(this.item(n)) === label : label.test(labelOf(this.item(n))),
    );
    assert.ok(
      found,
      `no child ${label} under ${node ? labelOf(this.item(node)) : 'the root'}; children: ${this.labels(kids).join(' | ')}`,
    );
    return found;
  }

  /** The node reached by following `labels` from the root. */
  async path(...labels: Array<string | RegExp>): Promise<TreeNode> {
    let node: TreeNode | undefined;
    for (const label of labels) node = await this.child(node, label);
    return node as TreeNode;
  }

  /** Waits until a node's description no longer says it is reading its value or checking its object. */
  async settled(node: TreeNode): Promise<vscode.TreeItem> {
    for (let i = 0; i < 100; i++) {
      const item = this.item(node);
      if (!/^(checking|reading value)/.test(String(item.description ?? ''))) return item;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the HEAD of the referenced object never arrived');
  }
}

/**
 * A connection `name` to a fresh Airflow 2.10 SQLite fixture whose references point into the test S3 server, with
 * the seeded objects plus `objects` (key → body) in the fixture bucket; every other connection is removed first.
 */
export async function connectFixture(
  name: string,
  objects: Record<string, string>,
  references: Record<string, string>,
  fixture: Omit<StandardFixtureOptions, 'references'> = {},
): Promise<TreeWalker> {
  const api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
  await removeAllConnections();
  const s3 = s3Service();
  const bucket = 'xcom-lens-test';
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await seedOffloadedObjects(client, bucket);
  for (const [key, body] of Object.entries(objects))
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
  const dir = mkdtempSync(join(tmpdir(), `xcom-lens-${name}-`));
  await createSqliteFixture(join(dir, 'airflow.db'), 2, { ...fixture, references });
  await vscode.commands.executeCommand('xcomLens.addConnection', {
    name,
    url: `sqlite:///${join(dir, 'airflow.db')}`,
    storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket },
    s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  return new TreeWalker(api);
}

import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import { Commands } from '../../constants';
import type { XComSummary } from '../../airflow/types';
import { formatBytes } from '../../formatBytes';
import { escapeMarkdown, formatAge, formatTimestamp, oneLine, visibleText, xcomTooltipHeading } from '../formatting';
import type { XComInsight } from '../xcomInspector';
import { ConnectionScopedNode, type TreeContext, type TreeNode } from './treeNode';
import { xcomNodeId } from './nodeIds';

/** One XCom: key, stored size and a preview; a reference to offloaded data shows the object's size and age. */
export class XComNode extends ConnectionScopedNode {
  /** Decoded value and reference match, computed once per node. */
  readonly insight: XComInsight;

  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The XCom as listed. */
    readonly xcom: XComSummary,
    private readonly options: { showTask?: boolean } = {},
  ) {
    super();
    this.insight = context.inspector.inspect(xcom, connection);
  }

  get id(): string {
    const base = xcomNodeId(this.connection.id, this.xcom);
    return this.options.showTask ? `${this.parent.id}/${base}` : base;
  }

  /** True when the value can be shown in the grid (an offloaded object or an inline table). */
  get isTable(): boolean {
    return this.insight.reference.kind === 'reference' || this.insight.decoded.kind === 'table';
  }

  getTreeItem(): vscode.TreeItem {
    const x = this.xcom;
    const { decoded, reference } = this.insight;
    const mapSuffix = x.mapIndex >= 0 && this.options.showTask ? ` [${x.mapIndex}]` : '';
    const label = this.options.showTask ? `${x.taskId}${mapSuffix} › ${x.key}` : x.key;
    const item = new vscode.TreeItem(visibleText(label), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const flags = ['xcom'];
    if (reference.kind === 'reference') flags.push('reference', 'table');
    else if (decoded.kind === 'table') flags.push('table');
    if (reference.kind === 'plainObjectUri') flags.push('s3text');
    if (reference.kind === 'malformed') flags.push('malformed');
    if (x.mapIndex >= 0 && flags.includes('table')) flags.push('mappedTable');
    item.contextValue = flags.join(' ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`${xcomTooltipHeading(x.key, x.taskId, x.mapIndex)}\n\n`);

    if (reference.kind === 'reference') {
      const status = this.context.inspector.objectStatus(this.connection, reference.reference, () =>
        this.context.inspector.changed(this),
      );
      const ref = reference.reference;
      tooltip
        .appendMarkdown('Offloaded to ')
        .appendText(visibleText(`s3://${ref.bucket}/${ref.key}`))
        .appendMarkdown(` by the *${escapeMarkdown(ref.rule)}* backend  \n`);
      if (status.state === 'present') {
        item.iconPath = new vscode.ThemeIcon('cloud', new vscode.ThemeColor('charts.blue'));
        item.description = `${formatBytes(status.size)} · ${formatAge(status.lastModified)} · ${visibleText(ref.key)}`;
        tooltip.appendMarkdown(
          `Size: ${formatBytes(status.size)}  \nLast modified: ${formatTimestamp(status.lastModified?.toISOString() ?? null)}  \n`,
        );
      } else if (status.state === 'pending') {
        item.iconPath = new vscode.ThemeIcon('cloud');
        item.description = `checking… · ${visibleText(ref.key)}`;
      } else {
        item.iconPath = new vscode.ThemeIcon('cloud', new vscode.ThemeColor('errorForeground'));
        item.description = `${status.state === 'missing' ? 'dangling reference' : status.label} · ${visibleText(ref.key)}`;
        tooltip.appendMarkdown('\n').appendText(visibleText(status.message)).appendMarkdown('  \n');
      }
      item.command = { command: Commands.preview, title: 'Preview Table', arguments: [this] };
    } else if (reference.kind === 'malformed') {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.description = `malformed reference · ${oneLine(reference.raw, 60)}`;
      tooltip
        .appendText(visibleText(`Looks like a ${reference.rule} reference but cannot be read: ${reference.reason}`))
        .appendMarkdown('  \n');
      item.command = { command: Commands.openValue, title: 'Open Value', arguments: [this] };
    } else {
      item.iconPath = new vscode.ThemeIcon(iconOf(decoded.kind));
      item.description = [formatBytes(x.storedSize), oneLine(decoded.display, 80)].filter(Boolean).join(' · ');
      if (decoded.note) tooltip.appendText(visibleText(decoded.note)).appendMarkdown('  \n');
      if (reference.kind === 'plainObjectUri')
        tooltip.appendMarkdown(
          'A plain S3 URI returned by the task (not offloaded by the XCom backend). Use *Preview as Table Anyway* to read it.  \n',
        );
      item.command =
        decoded.kind === 'table'
          ? { command: Commands.preview, title: 'Preview Table', arguments: [this] }
          : { command: Commands.openValue, title: 'Open Value', arguments: [this] };
    }
    tooltip
      .appendMarkdown('\n')
      .appendMarkdown(`Stored: ${formatBytes(x.storedSize) || 'NULL'} · pushed ${formatTimestamp(x.timestamp)}`);
    tooltip.appendCodeblock(oneLine(decoded.display, 400), 'text');
    item.tooltip = tooltip;
    return item;
  }
}

function iconOf(kind: string): string {
  switch (kind) {
    case 'table':
      return 'table';
    case 'json':
      return 'json';
    case 'text':
      return 'symbol-string';
    case 'pickle':
      return 'file-binary';
    case 'null':
      return 'circle-slash';
    case 'undecodable':
      return 'warning';
    default:
      return 'symbol-variable';
  }
}

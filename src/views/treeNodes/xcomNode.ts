import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import { Commands } from '../../constants';
import type { XComSummary } from '../../airflow/types';
import { readXComHead } from '../../airflow/xcomHead';
import { errorMessage } from '../../errors';
import { formatBytes } from '../../formatBytes';
import { describeMalformed } from '../../references';
import { escapeMarkdown, formatAge, formatTimestamp, oneLine, visibleText, xcomTooltipHeading } from '../formatting';
import type { XComInsight } from '../xcomInspector';
import { ConnectionScopedNode, type TreeContext, type TreeNode } from './treeNode';
import { xcomNodeId } from './nodeIds';

/** Heads read for XComs listed without their value, by the model's cached read, so a redrawn node shows it at once. */
const settledReads = new WeakMap<Promise<XComSummary>, XComSummary>();

/**
 * One XCom: key, stored size and a preview; a reference to offloaded data shows the object's size and age. When the
 * list left the value out (REST), the node shows its key at once and reads the value's head when first drawn.
 */
export class XComNode extends ConnectionScopedNode {
  private withHead: XComSummary | undefined;
  private readError: string | undefined;
  private decodedInsight: XComInsight | undefined;

  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The XCom as listed. */
    private readonly listed: XComSummary,
    private readonly options: { showTask?: boolean } = {},
  ) {
    super();
  }

  /** The XCom as listed, with the head of its value once read. */
  get xcom(): XComSummary {
    return this.withHead ?? this.listed;
  }

  /** Decoded value and reference match, computed once per node (once the head is known). */
  get insight(): XComInsight {
    return (this.decodedInsight ??= this.context.inspector.inspect(this.xcom, this.connection));
  }

  /** Reads the head of a value the list left out (once per XCom until a refresh); never rejects. */
  readValue(): Promise<void> {
    if (!this.listed.valuePending || this.withHead || this.readError !== undefined) return Promise.resolve();
    const { model } = this.context;
    const read = model.cached(`${xcomNodeId(this.connection.id, this.listed)}/value`, async () =>
      readXComHead(await model.source(this.connection), this.listed, model.signal),
    );
    const settled = settledReads.get(read);
    if (settled) return Promise.resolve(this.settle(settled));
    return read.then(
      (xcom) => {
        settledReads.set(read, xcom);
        this.settle(xcom);
      },
      (error: unknown) => this.settle({ error: errorMessage(error) }),
    );
  }

  private settle(result: XComSummary | { error: string }): void {
    if ('error' in result) this.readError = result.error;
    else this.withHead = result;
    this.decodedInsight = undefined;
  }

  get id(): string {
    const base = xcomNodeId(this.connection.id, this.xcom);
    return this.options.showTask ? `${this.parent.id}/${base}` : base;
  }

  /** True when the value can be shown in the grid (an offloaded object or an inline table). */
  get isTable(): boolean {
    const { reference, decoded } = this.insight;
    return (reference.kind === 'reference' && reference.reference.holds !== 'value') || decoded.kind === 'table';
  }

  getTreeItem(): vscode.TreeItem {
    const reading = this.readValue();
    const x = this.xcom;
    const mapSuffix = x.mapIndex >= 0 && this.options.showTask ? ` [${x.mapIndex}]` : '';
    const label = this.options.showTask ? `${x.taskId}${mapSuffix} › ${x.key}` : x.key;
    const item = new vscode.TreeItem(visibleText(label), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (x.valuePending) return this.unreadItem(item, reading);
    const { decoded, reference } = this.insight;
    const flags = ['xcom'];
    if (reference.kind === 'reference') flags.push('reference', ...(this.isTable ? ['table'] : []));
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
      item.command = this.isTable
        ? { command: Commands.preview, title: 'Preview Table', arguments: [this] }
        : { command: Commands.openValue, title: 'Open Value', arguments: [this] };
    } else if (reference.kind === 'malformed') {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.description = reference.setting
        ? `needs ${oneLine(reference.setting, 60)} · ${oneLine(reference.raw, 40)}`
        : `malformed reference · ${oneLine(reference.raw, 60)}`;
      tooltip.appendText(visibleText(describeMalformed(reference))).appendMarkdown('  \n');
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

  /** The item of an XCom whose value is being read, or could not be read. */
  private unreadItem(item: vscode.TreeItem, reading: Promise<void>): vscode.TreeItem {
    const x = this.xcom;
    item.contextValue = 'xcom';
    item.command = { command: Commands.openValue, title: 'Open Value', arguments: [this] };
    const tooltip = new vscode.MarkdownString().appendMarkdown(
      `${xcomTooltipHeading(x.key, x.taskId, x.mapIndex)}\n\n`,
    );
    if (this.readError === undefined) {
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.description = 'reading value…';
      void reading.then(() => this.context.inspector.changed(this));
    } else {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.description = `value not read · ${visibleText(oneLine(this.readError, 80))}`;
      tooltip.appendText(visibleText(this.readError)).appendMarkdown('  \n');
    }
    tooltip.appendMarkdown(`Pushed ${formatTimestamp(x.timestamp)}`);
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

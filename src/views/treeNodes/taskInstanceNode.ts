import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import type { TaskInstanceSummary, XComSummary } from '../../airflow/types';
import { escapeMarkdown, formatDuration, formatTimestamp, visibleText } from '../formatting';
import { stateIcon } from '../stateIcons';
import { InputsNode } from './inputsNode';
import { XComNode } from './xcomNode';
import { ConnectionScopedNode, pagedChildren, type TreeContext, type TreeNode } from './treeNode';
import { mappedTaskNodeId, taskInstanceNodeId } from './nodeIds';

/** One task instance (one map index): its children are its XComs. */
export class TaskInstanceNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The task instance as listed. */
    readonly ti: TaskInstanceSummary,
  ) {
    super();
  }

  get id(): string {
    return taskInstanceNodeId(this.connection.id, this.ti);
  }

  getTreeItem(): vscode.TreeItem {
    const ti = this.ti;
    const mapped = ti.mapIndex >= 0;
    const label = mapped ? `[${ti.renderedMapIndex ?? ti.mapIndex}]` : ti.displayName;
    const item = new vscode.TreeItem(visibleText(label), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = `taskInstance ${ti.state ?? 'none'}`;
    item.iconPath = stateIcon(ti.state);
    item.description = visibleText(
      [
        ti.state ?? 'no status',
        ti.tryNumber > 1 ? `try ${ti.tryNumber}` : '',
        formatDuration(ti.durationSeconds),
        mapped ? '' : (ti.operator ?? ''),
      ]
        .filter(Boolean)
        .join(' · '),
    );
    item.tooltip = taskInstanceTooltip(ti);
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const source = await this.context.model.source(this.connection);
    const { dagId, runId, taskId, mapIndex } = this.ti;
    const outputs = await pagedChildren<XComSummary>(
      this,
      this.context,
      `${this.id}/xcoms`,
      (page, signal) => source.listXComs({ dagId, runId, taskId, mapIndex }, page, signal),
      (xcom) => new XComNode(this.context, this, this.connection, xcom),
      this.ti.state === 'failed' ? 'No XComs: the task failed before pushing any.' : 'No XComs.',
    );
    return [new InputsNode(this.context, this, this.connection, this.ti), ...outputs];
  }
}

/** A mapped task: its children are its map indexes. */
export class MappedTaskNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The task instances of the task, one per map index. */
    readonly instances: TaskInstanceSummary[],
  ) {
    super();
  }

  get id(): string {
    return mappedTaskNodeId(this.connection.id, this.instances[0]);
  }

  getTreeItem(): vscode.TreeItem {
    const first = this.instances[0];
    const item = new vscode.TreeItem(visibleText(first.displayName), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = 'mappedTask';
    const counts = new Map<string, number>();
    for (const ti of this.instances)
      counts.set(ti.state ?? 'no status', (counts.get(ti.state ?? 'no status') ?? 0) + 1);
    const worst = ['failed', 'up_for_retry', 'upstream_failed', 'running', 'queued'].find((s) => counts.has(s));
    item.iconPath = stateIcon(worst ?? first.state);
    item.description = visibleText(
      [`${this.instances.length} mapped`, [...counts].map(([s, n]) => `${n} ${s}`).join(', '), first.operator ?? '']
        .filter(Boolean)
        .join(' · '),
    );
    item.tooltip = new vscode.MarkdownString().appendMarkdown(
      `**${escapeMarkdown(first.displayName)}** — mapped over ${this.instances.length} indexes`,
    );
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return Promise.resolve(this.instances.map((ti) => new TaskInstanceNode(this.context, this, this.connection, ti)));
  }
}

function taskInstanceTooltip(ti: TaskInstanceSummary): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${escapeMarkdown(ti.displayName)}**${ti.mapIndex >= 0 ? ` [${ti.mapIndex}]` : ''}\n\n`);
  const rows: Array<[string, string]> = [
    ['State', ti.state ?? 'no status'],
    ['Try', `${ti.tryNumber} of ${ti.maxTries + 1}`],
    ['Operator', ti.operator ?? ''],
    ['Started', formatTimestamp(ti.startDate)],
    ['Ended', formatTimestamp(ti.endDate)],
    ['Duration', formatDuration(ti.durationSeconds)],
    ['Host', ti.hostname ?? ''],
  ];
  for (const [label, value] of rows)
    if (value) tooltip.appendMarkdown(`${label}: `).appendText(visibleText(value)).appendMarkdown('  \n');
  return tooltip;
}

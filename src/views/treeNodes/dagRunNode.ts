import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import type { DagRunSummary, TaskInstanceSummary } from '../../airflow/types';
import { escapeMarkdown, formatDuration, visibleText, formatTimestamp, secondsBetween } from '../formatting';
import { stateIcon } from '../stateIcons';
import { MappedTaskNode, TaskInstanceNode } from './taskInstanceNode';
import {
  ConnectionScopedNode,
  errorNode,
  LoadMoreNode,
  MessageNode,
  type TreeContext,
  type TreeNode,
} from './treeNode';
import { runNodeId } from './nodeIds';

/** A DAG run: its children are its task instances; mapped tasks are grouped under one node. */
export class DagRunNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The run as listed. */
    readonly run: DagRunSummary,
  ) {
    super();
  }

  get id(): string {
    return runNodeId(this.connection.id, this.run);
  }

  getTreeItem(): vscode.TreeItem {
    const run = this.run;
    const item = new vscode.TreeItem(visibleText(run.runId), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = `dagRun ${run.state ?? 'none'}`;
    item.iconPath = stateIcon(run.state);
    const duration = formatDuration(secondsBetween(run.startDate, run.endDate));
    item.description = visibleText(
      [run.state ?? 'no status', run.runType, formatTimestamp(run.startDate ?? run.sortDate), duration]
        .filter(Boolean)
        .join(' · '),
    );
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(run.runId)}**\n\n`);
    const rows: Array<[string, string]> = [
      ['State', run.state ?? 'no status'],
      ['Run type', run.runType],
      ['Logical date', formatTimestamp(run.logicalDate)],
      [
        'Data interval',
        run.dataIntervalStart
          ? `${formatTimestamp(run.dataIntervalStart)} → ${formatTimestamp(run.dataIntervalEnd)}`
          : '',
      ],
      ['Started', formatTimestamp(run.startDate)],
      ['Ended', formatTimestamp(run.endDate)],
      ['Duration', duration],
    ];
    for (const [label, value] of rows)
      if (value) tooltip.appendMarkdown(`${label}: `).appendText(visibleText(value)).appendMarkdown('  \n');
    item.tooltip = tooltip;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const listId = `${this.id}/tis`;
    try {
      const source = await this.context.model.source(this.connection);
      const page = await this.context.model.list<TaskInstanceSummary>(listId, (p, signal) =>
        source.listTaskInstances(this.run.dagId, this.run.runId, {}, p, signal),
      );
      const nodes: TreeNode[] = groupMapped(page.items).map((group) =>
        group.length === 1 && group[0].mapIndex < 0
          ? new TaskInstanceNode(this.context, this, this.connection, group[0])
          : new MappedTaskNode(this.context, this, this.connection, group),
      );
      if (page.hasMore) nodes.push(new LoadMoreNode(this, listId, page.items.length));
      if (nodes.length === 0)
        nodes.push(new MessageNode(this, `${listId}/empty`, 'This run has no task instances.', 'info'));
      return nodes;
    } catch (error) {
      return [errorNode(this, error)];
    }
  }
}

/** Groups task instances by task_id, keeping the listed order; unmapped tasks form groups of one. */
function groupMapped(items: TaskInstanceSummary[]): TaskInstanceSummary[][] {
  const groups = new Map<string, TaskInstanceSummary[]>();
  for (const ti of items) {
    const key = ti.mapIndex < 0 ? `${ti.taskId}\u0000unmapped` : ti.taskId;
    const group = groups.get(key);
    if (group) group.push(ti);
    else groups.set(key, [ti]);
  }
  return [...groups.values()];
}

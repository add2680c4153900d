import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import type { FailedTaskInstance } from '../../airflow/types';
import { formatTimestamp, visibleText } from '../formatting';
import { TaskInstanceNode } from './taskInstanceNode';
import { ConnectionScopedNode, pagedChildren, type TreeContext, type TreeNode } from './treeNode';
import { failuresNodeId } from './nodeIds';

/** "Recent failures": failed and up-for-retry task instances across every DAG, newest first. */
export class FailuresNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
  ) {
    super();
  }

  get id(): string {
    return failuresNodeId(this.connection.id);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Recent failures', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = 'failures';
    item.iconPath = new vscode.ThemeIcon('flame', new vscode.ThemeColor('testing.iconFailed'));
    item.description = 'failed and up for retry, all DAGs';
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const source = await this.context.model.source(this.connection);
    return pagedChildren<FailedTaskInstance>(
      this,
      this.context,
      `${this.id}/list`,
      (page, signal) => source.listRecentFailures(page, signal),
      (ti) => new FailedTaskInstanceNode(this.context, this, this.connection, ti),
      'No failed task instances. 🎉',
    );
  }
}

/** A failed task instance listed across DAGs: the label names the DAG too. */
class FailedTaskInstanceNode extends TaskInstanceNode {
  override get id(): string {
    return `${super.id}@failures`;
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    const ti = this.ti;
    item.id = this.id;
    item.label = visibleText(`${ti.dagId} › ${ti.displayName}${ti.mapIndex >= 0 ? ` [${ti.mapIndex}]` : ''}`);
    item.description = visibleText(
      [
        ti.state ?? '',
        ti.tryNumber > 1 ? `try ${ti.tryNumber}` : '',
        ti.runId,
        formatTimestamp(ti.endDate ?? ti.startDate),
      ]
        .filter(Boolean)
        .join(' · '),
    );
    return item;
  }
}

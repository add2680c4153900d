import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import { upstreamTaskIds } from '../../airflow/dagStructure';
import type { TaskInstanceSummary, XComSummary } from '../../airflow/types';
import { visibleText } from '../formatting';
import { XComNode } from './xcomNode';
import {
  ConnectionScopedNode,
  errorNode,
  LoadMoreNode,
  MessageNode,
  type TreeContext,
  type TreeNode,
} from './treeNode';
import { inputsNodeId } from './nodeIds';

/** "Inputs": the XComs that the task's upstream tasks pushed in the same run (per the serialized DAG). */
export class InputsNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The task instance whose inputs these are. */
    readonly ti: TaskInstanceSummary,
  ) {
    super();
  }

  get id(): string {
    return inputsNodeId(this.connection.id, this.ti);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Inputs', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = 'inputs';
    item.iconPath = new vscode.ThemeIcon('arrow-circle-right');
    item.description = 'XComs of upstream tasks in this run';
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    try {
      const source = await this.context.model.source(this.connection);
      const serialized = await this.context.model.cached(`${this.connection.id}/serialized/${this.ti.dagId}`, () =>
        source.readSerializedDag(this.ti.dagId, this.context.model.signal),
      );
      if (serialized === undefined)
        return [
          new MessageNode(this, `${this.id}/none`, 'No serialized DAG in the DB: upstream tasks are unknown.', 'info'),
        ];
      const upstream = upstreamTaskIds(serialized, this.ti.taskId);
      if (upstream.length === 0) return [new MessageNode(this, `${this.id}/none`, 'No upstream tasks.', 'info')];
      const nodes: TreeNode[] = [];
      for (const taskId of upstream) {
        const listId = `${this.id}/${taskId}`;
        const page = await this.context.model.list<XComSummary>(listId, (p, signal) =>
          source.listXComs({ dagId: this.ti.dagId, runId: this.ti.runId, taskId }, p, signal),
        );
        if (page.items.length === 0)
          nodes.push(new MessageNode(this, `${listId}/empty`, visibleText(`${taskId}: no XComs`), 'info'));
        nodes.push(...page.items.map((x) => new XComNode(this.context, this, this.connection, x, { showTask: true })));
        if (page.hasMore) nodes.push(new LoadMoreNode(this, listId, page.items.length));
      }
      return nodes;
    } catch (error) {
      return [errorNode(this, error)];
    }
  }
}

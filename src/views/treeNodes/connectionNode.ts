import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import { Commands } from '../../constants';
import type { DagSummary } from '../../airflow/types';
import { redactUrl } from '../../airflow/connectionUrl';
import { DagNode } from './dagNode';
import { FailuresNode } from './failuresNode';
import { ConnectionScopedNode, MessageNode, pagedChildren, type TreeContext, type TreeNode } from './treeNode';
import { errorMessage } from '../../errors';
import { connectionNodeId } from './nodeIds';

/** A configured metadata DB: its children are "Recent failures" and the DAGs. Expanded unless the user collapsed it. */
export class ConnectionNode extends ConnectionScopedNode {
  readonly parent = undefined;

  constructor(
    protected readonly context: TreeContext,
    readonly connection: ConnectionConfig,
  ) {
    super();
  }

  get id(): string {
    return connectionNodeId(this.connection.id);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.connection.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.contextValue = 'connection';
    const state = this.context.model.state(this.connection.id);
    const filter = this.context.model.dagFilter(this.connection.id);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**').appendText(this.connection.name).appendMarkdown('**\n\n');
    tooltip.appendText(redactUrl(this.connection.url)).appendMarkdown('\n\n');
    if (state.status === 'connected') {
      item.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('charts.green'));
      const { info } = state;
      const via = info.origin.kind === 'sql' ? info.origin.dialect : info.serverVersion;
      const newer = info.note ? ' · newer than known' : '';
      item.description = `Airflow ${info.airflowVersion} · ${via}${newer}${filter ? ` · filter: ${filter}` : ''}`;
      const detail =
        info.origin.kind === 'sql'
          ? `alembic ${info.origin.alembicRevision ?? 'unknown'}`
          : `API v${info.origin.apiVersion}`;
      tooltip.appendText(`Airflow ${info.airflowVersion} (${detail}), ${info.serverVersion}`);
      if (info.note) tooltip.appendMarkdown('\n\n**Note:** ').appendText(info.note);
    } else if (state.status === 'failed') {
      item.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('errorForeground'));
      item.description = 'connection failed';
      tooltip.appendText(state.message);
    } else {
      item.iconPath = new vscode.ThemeIcon('database');
      item.description = filter ? `filter: ${filter}` : redactUrl(this.connection.url);
    }
    item.tooltip = tooltip;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const { model } = this.context;
    try {
      await model.describe(this.connection);
    } catch (error) {
      const message = errorMessage(error);
      return [new MessageNode(this, `${this.id}error`, message, 'error', this.errorAction())];
    }
    const source = await model.source(this.connection);
    const filter = model.dagFilter(this.connection.id);
    const listId = `${this.id}dags?${filter ?? ''}`;
    const dags = await pagedChildren<DagSummary>(
      this,
      this.context,
      listId,
      (page, signal) => source.listDags(filter, page, signal),
      (dag) => new DagNode(this.context, this, this.connection, dag),
      filter ? `No DAG matches "${filter}".` : 'This Airflow DB has no DAGs yet.',
    );
    return [new FailuresNode(this.context, this, this.connection), ...dags];
  }

  /** What clicking the error shown in place of the children does. */
  protected errorAction(): vscode.Command | undefined {
    return { command: Commands.editConnection, title: 'Edit Connection', arguments: [this] };
  }
}

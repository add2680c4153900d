import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import { Commands } from '../../constants';
import type { AirflowTreeModel } from '../airflowTreeModel';
import type { XComInspector } from '../xcomInspector';
import { errorMessage } from '../../errors';

/** What every node needs: the model, and how to inspect XCom values. */
export interface TreeContext {
  /** Data, caches and filters. */
  model: AirflowTreeModel;
  /** Decodes XCom values and recognises references. */
  inspector: XComInspector;
}

/** A node of the Airflow tree; one class per kind, each with its own contextValue. */
export abstract class TreeNode {
  /** Stable id: keeps expansion state across refreshes. */
  abstract readonly id: string;
  /** The parent node (undefined at the root), for reveal. */
  abstract readonly parent: TreeNode | undefined;
  /** The TreeItem shown for this node. */
  abstract getTreeItem(): vscode.TreeItem;
  /** The children; leaves return none. */
  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}

/** A node that belongs to one connection. */
export abstract class ConnectionScopedNode extends TreeNode {
  /** The connection this node came from. */
  abstract readonly connection: ConnectionConfig;
}

/** A one-line message in place of children: an error, or "nothing here". */
export class MessageNode extends TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly id: string,
    private readonly message: string,
    private readonly kind: 'error' | 'info',
    private readonly action?: vscode.Command,
  ) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = this.kind === 'error' ? 'message error' : 'message';
    item.iconPath = new vscode.ThemeIcon(
      this.kind === 'error' ? 'warning' : 'info',
      this.kind === 'error' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined,
    );
    item.tooltip = new vscode.MarkdownString().appendText(this.message);
    if (this.action) item.command = this.action;
    return item;
  }
}

/** "Load more…" at the end of a paged list. */
export class LoadMoreNode extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    /** The list this node extends. */
    readonly listId: string,
    private readonly shown: number,
  ) {
    super();
  }

  get id(): string {
    return `${this.listId}/more@${this.shown}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${this.shown} shown`;
    item.contextValue = 'loadMore';
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.command = { command: Commands.loadMore, title: 'Load More', arguments: [this] };
    return item;
  }
}

/** Turns an error thrown while listing children into a visible message node. */
export function errorNode(parent: TreeNode, error: unknown, action?: vscode.Command): MessageNode {
  const message = errorMessage(error);
  return new MessageNode(parent, `${parent.id}/error`, message, 'error', action);
}

/** Children of a paged list: the items loaded so far and a "Load more" node when more exist. */
export async function pagedChildren<T>(
  parent: TreeNode,
  context: TreeContext,
  listId: string,
  fetch: Parameters<AirflowTreeModel['list']>[1],
  toNode: (item: T) => TreeNode,
  emptyMessage: string,
): Promise<TreeNode[]> {
  try {
    const page = await context.model.list<T>(listId, fetch as never);
    const nodes = page.items.map(toNode);
    if (page.hasMore) nodes.push(new LoadMoreNode(parent, listId, page.items.length));
    if (nodes.length === 0) nodes.push(new MessageNode(parent, `${listId}/empty`, emptyMessage, 'info'));
    return nodes;
  } catch (error) {
    return [errorNode(parent, error)];
  }
}

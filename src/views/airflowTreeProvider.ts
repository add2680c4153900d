import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/connectionStore';
import { ContextKeys } from '../constants';
import { ConnectionNode } from './treeNodes/connectionNode';
import { DetectedConnectionNode } from './treeNodes/detectedConnectionNode';
import type { TreeContext, TreeNode } from './treeNodes/treeNode';
import type { ExpansionState } from './expansionState';

/** What the tree needs besides the store and the nodes' context. */
export interface TreeProviderOptions {
  /** The user's expanded/collapsed choices, kept across reloads. */
  expansion?: ExpansionState;
  /** Settles when Airflow's own configuration has been read (the roots wait for it, so first open shows it at once). */
  detection?: () => Promise<void>;
}

/** Adapts the model and node classes to VS Code's TreeDataProvider. Nothing connects until the view asks. */
export class AirflowTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly messageChanged = new vscode.EventEmitter<string | undefined>();
  /** Fires with the message the view shows above the tree (why connections failed), or undefined for none. */
  readonly onDidChangeMessage = this.messageChanged.event;
  private readonly subscriptions: vscode.Disposable;

  constructor(
    private readonly store: ConnectionStore,
    private readonly context: TreeContext,
    private readonly options: TreeProviderOptions = {},
  ) {
    this.subscriptions = vscode.Disposable.from(
      this.changed,
      this.messageChanged,
      store.onDidChange(() => void this.onConnectionsChanged()),
      context.inspector.onDidChangeNode((node) => this.refresh(node)),
    );
    void this.updateContextKeys();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = node.getTreeItem();
    if (this.options.expansion && item.collapsibleState !== undefined)
      item.collapsibleState = this.options.expansion.resolve(node.id, item.collapsibleState);
    return item;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return node ? node.getChildren() : this.getRoots();
  }

  /** Connects every connection (the view is visible now); when all fail, the "connection failed" welcome shows. */
  private async getRoots(): Promise<TreeNode[]> {
    await this.options.detection?.().catch(() => undefined);
    const saved = this.store.list();
    const detected = this.store.detected();
    const connections = [...saved, ...detected.map((d) => d.connection)];
    // Only connections not tried yet: a failed one waits for Refresh, Test or Edit instead of being retried (and
    // timing out again) on every redraw of the root.
    const untried = connections.filter((c) => this.context.model.state(c.id).status === 'idle');
    await Promise.all(untried.map((c) => this.context.model.describe(c).catch(() => undefined)));
    const failed = connections.filter((c) => this.context.model.state(c.id).status === 'failed');
    // A detected connection always shows, with its error as its child: it is all a new user has.
    const allFailed = detected.length === 0 && saved.length > 0 && failed.length === saved.length;
    await vscode.commands.executeCommand('setContext', ContextKeys.allConnectionsFailed, allFailed);
    this.messageChanged.fire(
      failed.length === 0
        ? undefined
        : failed
            .map((c) => {
              const state = this.context.model.state(c.id);
              return `Could not connect to "${c.name}": ${state.status === 'failed' ? state.message : ''}`;
            })
            .join('\n'),
    );
    if (allFailed) return [];
    return [
      ...saved.map((connection) => new ConnectionNode(this.context, connection)),
      ...detected.map((d) => new DetectedConnectionNode(this.context, d)),
    ];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Redraws one node (its label and, if expanded, its children) or the whole tree. */
  refresh(node?: TreeNode): void {
    this.changed.fire(node);
  }

  private async onConnectionsChanged(): Promise<void> {
    await this.updateContextKeys();
    this.changed.fire(undefined);
  }

  private async updateContextKeys(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, this.store.shown().length > 0);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

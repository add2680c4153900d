import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../config';
import type { DagRunSummary, DagSummary } from '../../airflow/types';
import { escapeMarkdown, markdownCode, visibleText } from '../formatting';
import { DagRunNode } from './dagRunNode';
import { ConnectionScopedNode, pagedChildren, type TreeContext, type TreeNode } from './treeNode';
import { dagNodeId } from './nodeIds';

/** A DAG: its children are its runs, newest first, paged and filterable by state. */
export class DagNode extends ConnectionScopedNode {
  constructor(
    private readonly context: TreeContext,
    readonly parent: TreeNode,
    readonly connection: ConnectionConfig,
    /** The DAG as listed. */
    readonly dag: DagSummary,
  ) {
    super();
  }

  get id(): string {
    return dagNodeId(this.connection.id, this.dag);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(visibleText(this.dag.displayName), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = this.dag.isPaused ? 'dag paused' : 'dag';
    item.iconPath = new vscode.ThemeIcon(
      this.dag.isPaused ? 'debug-pause' : 'type-hierarchy-sub',
      this.dag.isPaused ? new vscode.ThemeColor('disabledForeground') : undefined,
    );
    const states = this.context.model.runStateFilter(this.connection.id, this.dag.dagId);
    const parts = [
      this.dag.displayName !== this.dag.dagId ? this.dag.dagId : '',
      this.dag.isPaused ? 'paused' : '',
      this.dag.tags.map((t) => `#${t}`).join(' '),
      states.length ? `runs: ${states.join(', ')}` : '',
    ];
    item.description = visibleText(parts.filter(Boolean).join(' · '));
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(this.dag.displayName)}**`);
    if (this.dag.displayName !== this.dag.dagId) tooltip.appendMarkdown(` (${markdownCode(this.dag.dagId)})`);
    tooltip.appendMarkdown('\n\n');
    if (this.dag.description) tooltip.appendText(visibleText(this.dag.description)).appendMarkdown('\n\n');
    const rows: Array<[string, string | null]> = [
      ['Paused', this.dag.isPaused ? 'yes' : 'no'],
      ['Schedule', this.dag.schedule],
      ['Owners', this.dag.owners],
      ['Tags', this.dag.tags.join(', ') || null],
      ['File', this.dag.fileloc],
    ];
    for (const [label, value] of rows)
      if (value) tooltip.appendMarkdown(`${label}: `).appendText(visibleText(value)).appendMarkdown('  \n');
    item.tooltip = tooltip;
    return item;
  }

  /** The id of the run list, including the state filter. */
  get runsListId(): string {
    return `${this.id}/runs?${this.context.model.runStateFilter(this.connection.id, this.dag.dagId).join(',')}`;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const source = await this.context.model.source(this.connection);
    const states = this.context.model.runStateFilter(this.connection.id, this.dag.dagId);
    return pagedChildren<DagRunSummary>(
      this,
      this.context,
      this.runsListId,
      (page, signal) => source.listDagRuns(this.dag.dagId, { states }, page, signal),
      (run) => new DagRunNode(this.context, this, this.connection, run),
      states.length ? `No ${states.join(' or ')} runs.` : 'No runs yet.',
    );
  }
}

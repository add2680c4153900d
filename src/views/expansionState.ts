import type * as vscode from 'vscode';
import { PREFIX } from '../constants';

const KEY = `${PREFIX}.treeExpansion`;
/** Enough for every node a user opens by hand; the oldest are forgotten first. */
const MAX_REMEMBERED = 2000;

/**
 * The expanded/collapsed state the user gave tree nodes, by node id, kept in workspaceState so that it survives a
 * window reload (VS Code keeps it only while the window is open).
 */
export class ExpansionState {
  private readonly states: Map<string, boolean>;

  constructor(private readonly memento: vscode.Memento) {
    const saved = memento.get<unknown>(KEY);
    this.states = new Map(
      Array.isArray(saved)
        ? saved.filter(
            (e): e is [string, boolean] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'boolean',
          )
        : [],
    );
  }

  /** The state to show a node in: the user's last choice, else the node's own default. */
  resolve(id: string, fallback: vscode.TreeItemCollapsibleState): vscode.TreeItemCollapsibleState {
    const expanded = this.states.get(id);
    // TreeItemCollapsibleState: None 0, Collapsed 1, Expanded 2 (a type-only import keeps this module free of vscode).
    if (fallback === 0 || expanded === undefined) return fallback;
    return expanded ? 2 : 1;
  }

  /** Remembers that the user expanded or collapsed a node. */
  remember(id: string, expanded: boolean): Thenable<void> {
    this.states.delete(id);
    this.states.set(id, expanded);
    while (this.states.size > MAX_REMEMBERED) this.states.delete(this.states.keys().next().value as string);
    return this.memento.update(KEY, [...this.states]);
  }
}

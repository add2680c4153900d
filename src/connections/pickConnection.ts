import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { redactUrl } from '../airflow/connectionUrl';
import { ConnectionScopedNode } from '../views/treeNodes/treeNode';
import type { ConnectionStore } from './connectionStore';

/**
 * The connection a command acts on: the one of the tree node it was invoked on, a connection id given by a script,
 * the only connection there is, or the one the user picks.
 */
export async function pickConnection(store: ConnectionStore, arg: unknown, placeHolder = 'Which connection?'): Promise<ConnectionConfig | undefined> {
  if (arg instanceof ConnectionScopedNode) return arg.connection;
  if (typeof arg === 'string') return store.get(arg);
  const connections = store.list();
  if (connections.length <= 1) return connections[0];
  const picked = await vscode.window.showQuickPick(
    connections.map((c) => ({ label: c.name, description: redactUrl(c.url), connection: c })),
    { placeHolder },
  );
  return picked?.connection;
}

/** Workspace folders whose airflow.cfg may be read: none in an untrusted workspace. */
export function trustedWorkspaceFolders(): string[] {
  return vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) : [];
}

import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { redactUrl } from '../airflow/connectionUrl';
import type { ConnectionStore } from './connectionStore';

/**
 * The connection a command acts on: the one of the tree node it was invoked on, a connection id given by a script,
 * the only connection there is, or the one the user picks.
 */
export async function pickConnection(
  store: ConnectionStore,
  arg: unknown,
  placeHolder = 'Which connection?',
): Promise<ConnectionConfig | undefined> {
  if (isConnectionScoped(arg)) return arg.connection;
  if (typeof arg === 'string') return store.get(arg);
  const connections = store.shown();
  if (connections.length <= 1) return connections[0];
  const picked = await vscode.window.showQuickPick(
    connections.map((c) => ({ label: c.name, description: redactUrl(c.url), connection: c })),
    { placeHolder },
  );
  return picked?.connection;
}

/** Anything that carries its connection (every tree node under a connection): no import of the views needed. */
function isConnectionScoped(arg: unknown): arg is { connection: ConnectionConfig } {
  const connection = (arg as { connection?: Partial<ConnectionConfig> } | undefined)?.connection;
  return typeof connection?.id === 'string' && typeof connection.url === 'string';
}

/** Workspace folders whose airflow.cfg may be read: none in an untrusted workspace. */
export function trustedWorkspaceFolders(): string[] {
  return vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) : [];
}

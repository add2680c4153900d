import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { Commands } from '../constants';
import { bestFilelocMatches, filelocBaseName } from '../airflow/dagFileLocation';
import { findDagSourceTasks, findTaskDefinition } from '../airflow/dagSourceTasks';
import { errorMessage } from '../errors';
import type { AirflowTreeModel } from './airflowTreeModel';
import { DagNode } from './treeNodes/dagNode';
import { MappedTaskNode, TaskInstanceNode } from './treeNodes/taskInstanceNode';
import type { TreeNode } from './treeNodes/treeNode';

/** Where Open Task Definition landed (or the warning it showed), returned to scripts and tests. */
export interface TaskDefinitionResult {
  /** The opened file, unless it could not be found. */
  uri?: vscode.Uri;
  /** Zero-based line revealed; undefined when the task was not found and the file opened at the top. */
  line?: number;
  /** The warning shown to the user, if any. */
  warning?: string;
}

function warn(warning: string, result: TaskDefinitionResult = {}): TaskDefinitionResult {
  void vscode.window.showWarningMessage(warning);
  return { ...result, warning };
}

/** The task a tree node stands for, and the DAG file Airflow recorded when the node's DAG summary has it. */
function taskOf(
  node: unknown,
): { connection: ConnectionConfig; dagId: string; taskId: string; fileloc?: string } | undefined {
  const ti =
    node instanceof TaskInstanceNode ? node.ti : node instanceof MappedTaskNode ? node.instances[0] : undefined;
  if (!ti || !(node instanceof TaskInstanceNode || node instanceof MappedTaskNode)) return undefined;
  let parent: TreeNode | undefined = node.parent;
  while (parent && !(parent instanceof DagNode)) parent = parent.parent;
  const fileloc =
    parent instanceof DagNode && parent.dag.dagId === ti.dagId ? (parent.dag.fileloc ?? undefined) : undefined;
  return { connection: node.connection, dagId: ti.dagId, taskId: ti.taskId, fileloc };
}

/** dag.fileloc as the serialized DAG records it. */
async function serializedFileloc(
  model: AirflowTreeModel,
  connection: ConnectionConfig,
  dagId: string,
): Promise<string | undefined> {
  const source = await model.source(connection);
  const serialized = (await source.readSerializedDag(dagId, model.signal)) as
    { dag?: { fileloc?: unknown } } | undefined;
  const fileloc = serialized?.dag?.fileloc;
  return typeof fileloc === 'string' ? fileloc : undefined;
}

/** The workspace file that holds a deployed DAG file: the longest matching path suffix, a pick on ties. */
async function workspaceFileFor(fileloc: string): Promise<vscode.Uri | undefined> {
  const base = filelocBaseName(fileloc);
  const found = await vscode.workspace.findFiles(`**/${base}`, '**/node_modules/**', 200);
  const byPath = new Map(found.map((uri) => [uri.fsPath, uri]));
  const best = bestFilelocMatches(fileloc, [...byPath.keys()]);
  if (best.length <= 1) return best[0] ? byPath.get(best[0]) : undefined;
  const picked = await vscode.window.showQuickPick(
    best.map((path) => ({ label: vscode.workspace.asRelativePath(path), path })),
    {
      title: `Several files in this workspace could be ${fileloc}`,
    },
  );
  return picked ? byPath.get(picked.path) : undefined;
}

/** Registers Open Task Definition: from a task instance to the line that defines its task. */
export function registerTaskDefinitionCommand(model: AirflowTreeModel): vscode.Disposable {
  return vscode.commands.registerCommand(
    Commands.openTaskDefinition,
    async (node?: unknown): Promise<TaskDefinitionResult | undefined> => {
      const task = taskOf(node);
      if (!task) {
        void vscode.window.showWarningMessage('Pick a task instance in the XCom Lens tree to open its definition.');
        return undefined;
      }
      try {
        const fileloc = task.fileloc ?? (await serializedFileloc(model, task.connection, task.dagId));
        if (!fileloc) return warn(`Airflow does not record which file defines ${task.dagId}.`);
        const uri = await workspaceFileFor(fileloc);
        if (!uri) {
          const base = filelocBaseName(fileloc);
          return warn(`${base} (fileloc ${fileloc}) is not in this workspace: open the folder that holds your DAGs.`);
        }
        const document = await vscode.workspace.openTextDocument(uri);
        const definition = findTaskDefinition(findDagSourceTasks(document.getText()), task.dagId, task.taskId);
        const position = new vscode.Position(definition?.line ?? 0, definition?.column ?? 0);
        await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
        if (!definition) {
          const file = vscode.workspace.asRelativePath(uri);
          return warn(
            `${task.taskId} is not defined in ${file} as it reads now: ` +
              'the DAG file moved or changed since Airflow parsed it. Opened it at the top.',
            { uri },
          );
        }
        return { uri, line: definition.line };
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not open the definition of ${task.taskId}: ${errorMessage(error)}`);
        return undefined;
      }
    },
  );
}

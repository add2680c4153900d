import * as vscode from 'vscode';
import { Commands, LOG_SCHEME } from '../constants';
import { errorMessage } from '../errors';
import type { ConnectionStore } from '../connections/connectionStore';
import type { TaskInstanceKey } from '../airflow/types';
import type { AirflowTreeModel } from './airflowTreeModel';
import type { TaskInstanceNode } from './treeNodes/taskInstanceNode';
import { visibleText } from './formatting';

interface LogUriQuery extends TaskInstanceKey {
  /** Connection id. */
  c: string;
  /** Try number. */
  t: number;
}

/** Read-only virtual documents showing one try's task log, read through the Airflow REST API. */
class LogDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly store: ConnectionStore,
    private readonly model: AirflowTreeModel,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    let query: LogUriQuery;
    try {
      query = JSON.parse(uri.query) as LogUriQuery;
    } catch {
      return 'This link does not name a task log.';
    }
    const connection = this.store.get(query.c);
    if (!connection) return 'The connection of this task was removed.';
    const aborter = new AbortController();
    const subscription = token.onCancellationRequested(() => aborter.abort());
    try {
      const source = await this.model.source(connection);
      if (!('http' in source))
        return 'Task logs are read through the Airflow REST API: add this Airflow as an https:// connection.';
      const { readTaskLog } = await import('../airflow/rest/taskLog');
      const log = await readTaskLog(source as Parameters<typeof readTaskLog>[0], query, query.t, {
        signal: aborter.signal,
      });
      return `${log.text}${log.note ? `\n\n[XCom Lens] ${log.note}\n` : '\n'}`;
    } catch (error) {
      return `Could not read this log: ${errorMessage(error)}`;
    } finally {
      subscription.dispose();
    }
  }
}

/** Asks which try to open when there were several (the latest first); undefined when the pick is dismissed. */
async function pickTry(taskId: string, tries: number): Promise<number | undefined> {
  if (tries <= 1) return 1;
  const items = Array.from({ length: tries }, (_, i) => tries - i).map((t) => ({
    label: `Try ${t}`,
    description: t === tries ? 'latest' : '',
    tryNumber: t,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Open the log of ${taskId}`,
    placeHolder: 'Which try?',
  });
  return picked?.tryNumber;
}

/** Registers the log document provider and Open Log (a try of a task instance, scrolled to the last traceback). */
export function registerLogCommands(store: ConnectionStore, model: AirflowTreeModel): vscode.Disposable[] {
  const provider = new LogDocumentProvider(store, model);
  return [
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider),
    vscode.commands.registerCommand(Commands.openLog, async (node?: TaskInstanceNode, tryArg?: number) => {
      if (!node?.ti) return;
      const { dagId, runId, taskId, mapIndex, tryNumber, hostname } = node.ti;
      const tryShown = tryArg ?? (await pickTry(taskId, Math.max(1, tryNumber)));
      if (tryShown === undefined) return;
      const query: LogUriQuery = { c: node.connection.id, dagId, runId, taskId, mapIndex, t: tryShown };
      const name = `${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''} try ${tryShown}${hostname && tryShown === tryNumber ? ` on ${hostname}` : ''}.log`;
      const uri = vscode.Uri.from({
        scheme: LOG_SCHEME,
        path: visibleText(`/${node.connection.name}/${dagId}/${runId}/${name.replace(/[\\/]/g, '_')}`),
        query: JSON.stringify(query),
      });
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading the log of ${taskId}…` },
        async () => {
          const doc = await vscode.workspace.openTextDocument(uri);
          const editor = await vscode.window.showTextDocument(doc, { preview: true });
          const at = doc.getText().lastIndexOf('Traceback (most recent call last)');
          if (at >= 0) {
            const line = doc.positionAt(at).line;
            editor.revealRange(
              new vscode.Range(line, 0, Math.min(doc.lineCount - 1, line + 20), 0),
              vscode.TextEditorRevealType.AtTop,
            );
            editor.selection = new vscode.Selection(line, 0, line, 0);
          }
        },
      );
    }),
  ];
}

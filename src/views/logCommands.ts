import * as vscode from 'vscode';
import { Commands, LOG_SCHEME } from '../constants';
import type { ConnectionConfig } from '../config';
import { errorMessage, isCancellation } from '../errors';
import type { ConnectionStore } from '../connections/connectionStore';
import type { ObjectStores } from '../connections/objectStores';
import { progressText } from '../airflow/logs/storedLog';
import type { TaskInstanceSummary } from '../airflow/types';
import type { AirflowTreeModel } from './airflowTreeModel';
import { DagRunNode } from './treeNodes/dagRunNode';
import type { TreeNode } from './treeNodes/treeNode';
import { visibleText } from './formatting';
import { readLogFor, type LogReading, type LogRequest } from './logSources';
import { registerTracebackLinks } from './logTracebackLinks';

interface LogUriQuery extends LogRequest {
  /** Connection id. */
  c: string;
}

/** What Open Log opened, returned to scripts and tests. */
export interface OpenLogResult {
  /** The log document. */
  uri: vscode.Uri;
  /** 0-based line of the final traceback revealed, if there is one. */
  tracebackLine?: number;
}

/** The text a log document shows: the log, then where it was read from and any note. */
function documentText(log: LogReading): string {
  const footer = [`Read from ${log.where}.`, log.note].filter(Boolean).join(' ');
  return `${log.text}${log.text.endsWith('\n') || !log.text ? '' : '\n'}\n[XCom Lens] ${footer}\n`;
}

/** Read-only virtual documents showing one try's task log, wherever the connection's Airflow keeps it. */
class LogDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a log was read anew for an open document. */
  readonly onDidChange = this.changed.event;
  /** Texts read by Open Log (under its progress and Cancel), handed to VS Code when it asks. */
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly store: ConnectionStore,
    private readonly read: (
      connection: ConnectionConfig,
      query: LogRequest,
      signal: AbortSignal,
      onProgress?: (read: number, total: number) => void,
    ) => Promise<LogReading>,
  ) {}

  /** Keeps a text read for `uri`, and refreshes the document if it is open. */
  put(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  /** Forgets the text of a closed document. */
  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  /** The text for a query: the log, or what went wrong. */
  async textFor(
    query: LogUriQuery,
    signal: AbortSignal,
    onProgress?: (read: number, total: number) => void,
  ): Promise<string> {
    const connection = this.store.get(query.c);
    if (!connection) return 'The connection of this task was removed.';
    try {
      return documentText(await this.read(connection, query, signal, onProgress));
    } catch (error) {
      if (isCancellation(error) || signal.aborted) throw error;
      return `Could not read the log of try ${query.tryNumber} of ${query.taskId}: ${errorMessage(error)}\n`;
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const kept = this.texts.get(uri.toString());
    if (kept !== undefined) return kept;
    let query: LogUriQuery;
    try {
      query = JSON.parse(uri.query) as LogUriQuery;
    } catch {
      return 'This link does not name a task log.';
    }
    const aborter = new AbortController();
    const subscription = token.onCancellationRequested(() => aborter.abort());
    try {
      return await this.textFor(query, aborter.signal);
    } catch (error) {
      return `Reading this log stopped: ${errorMessage(error)}`;
    } finally {
      subscription.dispose();
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
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

/** A node that stands for one task instance: a task instance (anywhere in the tree) or its Inputs. */
interface TaskInstanceScoped {
  ti: TaskInstanceSummary;
  connection: ConnectionConfig;
  parent?: TreeNode;
}

function isTaskInstanceScoped(node: unknown): node is TaskInstanceScoped {
  const n = node as Partial<TaskInstanceScoped> | undefined;
  return typeof n?.ti?.taskId === 'string' && typeof n.connection?.id === 'string';
}

/** The logical date of the run a node sits under, when the tree shows it. */
function logicalDateOf(node: TaskInstanceScoped): string | null | undefined {
  for (let p: TreeNode | undefined = node.parent; p; p = p.parent)
    if (p instanceof DagRunNode) return p.run.runId === node.ti.runId ? p.run.logicalDate : undefined;
  return undefined;
}

/** Resolves once an open document's text was replaced (VS Code asks the provider again), or after 5 s. */
function contentChange(uri: vscode.Uri): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const timer = setTimeout(done, 5000);
    const subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === uri.toString()) done();
    });
  });
}

/** Reveals the final traceback at the top of the editor, with the lines below it. */
function revealTraceback(editor: vscode.TextEditor): number | undefined {
  const doc = editor.document;
  const at = doc.getText().lastIndexOf('Traceback (most recent call last)');
  if (at < 0) return undefined;
  const line = doc.positionAt(at).line;
  editor.revealRange(
    new vscode.Range(line, 0, Math.min(doc.lineCount - 1, line + 20), 0),
    vscode.TextEditorRevealType.AtTop,
  );
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return line;
}

/**
 * Registers the log document provider and Open Log: a try of a task instance (from its node, Recent failures or
 * its Inputs), read with progress and Cancel, scrolled to the final traceback; traceback frames link to DAG files.
 */
export function registerLogCommands(
  store: ConnectionStore,
  model: AirflowTreeModel,
  objectStores: ObjectStores,
): vscode.Disposable[] {
  const provider = new LogDocumentProvider(store, (connection, query, signal, onProgress) =>
    readLogFor(connection, model, objectStores, query, { signal, ...(onProgress ? { onProgress } : {}) }),
  );
  return [
    provider,
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider),
    registerTracebackLinks(),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === LOG_SCHEME) provider.forget(doc.uri);
    }),
    vscode.commands.registerCommand(
      Commands.openLog,
      async (node?: unknown, tryArg?: number): Promise<OpenLogResult | undefined> => {
        if (!isTaskInstanceScoped(node)) {
          void vscode.window.showWarningMessage('Pick a task instance in the XCom Lens tree to open its log.');
          return undefined;
        }
        const { dagId, runId, taskId, mapIndex, tryNumber, hostname } = node.ti;
        const tryShown = tryArg ?? (await pickTry(taskId, Math.max(1, tryNumber)));
        if (tryShown === undefined) return undefined;
        const logicalDate = logicalDateOf(node);
        const query: LogUriQuery = {
          c: node.connection.id,
          dagId,
          runId,
          taskId,
          mapIndex,
          tryNumber: tryShown,
          ...(logicalDate ? { logicalDate } : {}),
        };
        const name = `${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''} try ${tryShown}${hostname && tryShown === tryNumber ? ` on ${hostname}` : ''}.log`;
        const uri = vscode.Uri.from({
          scheme: LOG_SCHEME,
          path: visibleText(`/${node.connection.name}/${dagId}/${runId}/${name.replace(/[\\/]/g, '_')}`),
          query: JSON.stringify(query),
        });
        const text = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Reading the log of ${taskId} (try ${tryShown})`,
            cancellable: true,
          },
          async (progress, token) => {
            const aborter = new AbortController();
            const subscription = token.onCancellationRequested(() => aborter.abort());
            let shown = 0;
            try {
              return await provider.textFor(query, aborter.signal, (read, total) => {
                const percent = total > 0 ? Math.floor((read / total) * 100) : 0;
                if (percent <= shown) return;
                progress.report({ increment: percent - shown, message: progressText(read, total) });
                shown = percent;
              });
            } catch (error) {
              if (isCancellation(error) || aborter.signal.aborted) return undefined;
              throw error;
            } finally {
              subscription.dispose();
            }
          },
        );
        if (text === undefined) return undefined;
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        const updated = open && open.getText() !== text ? contentChange(uri) : undefined;
        provider.put(uri, text);
        await updated;
        const doc = await vscode.workspace.openTextDocument(uri);
        // Its own tab: a log opened from a CodeLens must not replace the DAG file shown in a preview tab.
        const editor = await vscode.window.showTextDocument(doc, { preview: false });
        const line = revealTraceback(editor);
        return { uri, ...(line !== undefined ? { tracebackLine: line } : {}) };
      },
    ),
  ];
}

import * as vscode from 'vscode';
import { readSettings } from '../config';
import { VALUE_SCHEME } from '../constants';
import { errorMessage } from '../errors';
import type { ConnectionStore } from '../connections/connectionStore';
import type { LimitedStoredValue, XComKey } from '../airflow/types';
import { decodeOffThread } from '../airflow/offThreadDecode';
import type { AirflowTreeModel } from './airflowTreeModel';
import type { XComNode } from './treeNodes/xcomNode';
import { visibleText } from './formatting';
import { capStoredValue, storedValueAsText } from './storedValueText';

interface ValueUriQuery extends XComKey {
  /** Connection id. */
  c: string;
  /** decoded (pretty JSON) or raw (the stored form). */
  mode: 'decoded' | 'raw';
}

/** Read-only virtual documents showing an XCom value decoded (pretty JSON) or as stored. */
export class ValueDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly store: ConnectionStore,
    private readonly model: AirflowTreeModel,
    private readonly maxEditorBytes: () => number = () => readSettings().maxRawEditorBytes,
  ) {}

  /** Opens the value of an XCom node in a read-only editor. */
  async open(node: XComNode, mode: 'decoded' | 'raw'): Promise<void> {
    const { dagId, runId, taskId, mapIndex, key } = node.xcom;
    const query: ValueUriQuery = { c: node.connection.id, dagId, runId, taskId, mapIndex, key, mode };
    const name = `${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''}.${key}${mode === 'raw' ? '.raw' : ''}.${mode === 'raw' ? 'txt' : 'json'}`;
    const uri = vscode.Uri.from({
      scheme: VALUE_SCHEME,
      path: visibleText(`/${node.connection.name}/${dagId}/${runId}/${name.replace(/[\\/]/g, '_')}`),
      query: JSON.stringify(query),
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    if (mode === 'decoded' && doc.languageId !== 'json')
      await vscode.languages.setTextDocumentLanguage(doc, 'json').then(undefined, () => undefined);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    let query: ValueUriQuery;
    try {
      query = JSON.parse(uri.query) as ValueUriQuery;
    } catch {
      return '// This link does not name an XCom.';
    }
    const connection = this.store.get(query.c);
    if (!connection) return '// The connection of this XCom was removed.';
    const aborter = new AbortController();
    const subscription = token.onCancellationRequested(() => aborter.abort());
    try {
      const source = await this.model.source(connection);
      const maxBytes = this.maxEditorBytes();
      const stored: LimitedStoredValue | undefined = await source.readXComValue(query, aborter.signal, { maxBytes });
      if (!stored)
        return `// The XCom "${query.key}" of ${query.dagId} / ${query.runId} / ${query.taskId} no longer exists.`;
      const capped = capStoredValue(stored, maxBytes, stored.storedSize);
      if (query.mode === 'raw') return `${capped.note ? `${capped.note}\n` : ''}${storedValueAsText(capped.stored)}`;
      const options = { truncated: capped.note !== undefined, storedSize: capped.fullSize };
      const decoded = await decodeOffThread(capped.stored, options, aborter.signal);
      const notes = [capped.note, decoded.note].filter(Boolean).map((n) => `// ${n!.replace(/\n/g, ' ')}\n`);
      return `${notes.join('')}${decoded.pretty}\n`;
    } catch (error) {
      return `// Could not read this XCom: ${errorMessage(error)}`;
    } finally {
      subscription.dispose();
    }
  }
}

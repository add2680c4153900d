import * as vscode from 'vscode';
import { readSettings } from '../config';
import { VALUE_SCHEME } from '../constants';
import { errorMessage } from '../errors';
import type { ConnectionStore } from '../connections/connectionStore';
import type { LimitedStoredValue, XComKey } from '../airflow/types';
import { decodeOffThread } from '../airflow/offThreadDecode';
import { decodeXComValue } from '../airflow/xcomValue';
import type { ConnectionConfig } from '../config';
import { describeMalformed, matchReference, type ReferenceRule } from '../references';
import type { S3ObjectStore } from '../storage/objectStore';
import type { AirflowTreeModel } from './airflowTreeModel';
import type { XComNode } from './treeNodes/xcomNode';
import { visibleText } from './formatting';
import { capStoredValue, storedValueAsText } from './storedValueText';
import { offloadedValueText } from './offloadedValueText';

/** How Open Value follows a reference to the object it names. */
export interface ReferenceReader {
  /** The reference rules of a connection. */
  rulesFor(connection: ConnectionConfig): ReferenceRule[];
  /** The object store of a connection. */
  storeFor(connection: ConnectionConfig): Promise<Pick<S3ObjectStore, 'head' | 'read'>>;
}

/** Stored values at most this long are matched against the reference rules (a reference is a short string). */
const MAX_REFERENCE_BYTES = 4096;

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
    private readonly references?: ReferenceReader,
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
      const followed = await this.followReference(connection, capped.stored, maxBytes, aborter.signal);
      if (followed?.body !== undefined) return `${comments(followed.notes)}${followed.body}\n`;
      const decoded = await decodeOffThread(capped.stored, options, aborter.signal);
      return `${comments([...(followed?.notes ?? []), capped.note, decoded.note])}${decoded.pretty}\n`;
    } catch (error) {
      return `// Could not read this XCom: ${errorMessage(error)}`;
    } finally {
      subscription.dispose();
    }
  }

  /**
   * For a value that is a reference: the object it points at, read the way the backend reads it back. For a
   * value that looks like one but needs a setting: the note naming that setting. Undefined otherwise.
   */
  private async followReference(
    connection: ConnectionConfig,
    stored: LimitedStoredValue,
    maxBytes: number,
    signal: AbortSignal,
  ): Promise<{ notes: string[]; body?: string } | undefined> {
    if (!this.references || (stored.storedSize ?? 0) > MAX_REFERENCE_BYTES) return undefined;
    const size = stored.kind === 'bytes' ? stored.bytes.byteLength : stored.kind === 'json' ? stored.json.length : 0;
    if (size > MAX_REFERENCE_BYTES) return undefined;
    const value = decodeXComValue(stored, { limits: { maxNodes: 1000, maxDepth: 10, maxMillis: 5 } }).value;
    const match = matchReference(value, this.references.rulesFor(connection));
    if (match.kind === 'malformed') return { notes: [describeMalformed(match)] };
    if (match.kind !== 'reference') return undefined;
    const store = await this.references.storeFor(connection);
    const text = await offloadedValueText(match.reference, { store, maxBytes, signal, decode: decodeOffThread });
    const raw = `The metadata DB holds the reference ${JSON.stringify(match.reference.raw)} (Open Raw Value shows it).`;
    return { notes: [...text.notes, raw], ...(text.body !== undefined ? { body: text.body } : {}) };
  }
}

/** Comment lines for the top of a value document. */
function comments(lines: Array<string | undefined>): string {
  return lines
    .filter((n): n is string => !!n)
    .map((n) => `// ${n.replace(/\n/g, ' ')}\n`)
    .join('');
}

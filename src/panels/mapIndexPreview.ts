// Preview All Map Indexes: the tables a mapped task's map indexes pushed under one key, stacked into one preview
// with a `map_index` column. A few objects are read at a time; the panel shows progress, its Cancel stops every
// read, and what differs between the map indexes' schemas is reported in the panel.
import * as vscode from 'vscode';
import type { XComSummary } from '../airflow/types';
import { errorMessage } from '../errors';
import { decompress } from '../formats/decompress';
import { sniffFormat } from '../formats/sniff';
import { type StackPart, appendPart, schemaDifferences } from '../formats/stackTables';
import { type BuiltTableSource, ColumnarTable, type TableSource } from '../formats/table';
import { parseTableSource } from '../formats/tableParser';
import type { AirflowTreeModel } from '../views/airflowTreeModel';
import type { TreeContext } from '../views/treeNodes/treeNode';
import { XComNode } from '../views/treeNodes/xcomNode';
import type { PendingTableSource, PreviewPanels, PreviewRequest, PreviewSummary } from './previewPanel';
import type { PreviewSources } from './previewSources';

/** Objects read at the same time. */
const CONCURRENT_READS = 4;
/** The column that says which map index a row came from. */
const PART_COLUMN = 'map_index';
/** XComs listed per page, and the most map indexes stacked. */
const PAGE = 1000;
const MAX_MAP_INDEXES = 10_000;

/** What Preview All Map Indexes loaded, returned to scripts and tests. */
export interface MapIndexesResult {
  /** The stacked preview. */
  summary: PreviewSummary;
  /** Map indexes whose table was stacked, in order. */
  stacked: number[];
  /** Sentences on what differs between the map indexes' schemas, and on map indexes left out. */
  notes: string[];
}

/** Every XCom of the task in the run with `key`, across map indexes, by map index. */
async function siblingXComs(model: AirflowTreeModel, node: XComNode): Promise<XComSummary[]> {
  const x = node.xcom;
  const source = await model.source(node.connection);
  const found: XComSummary[] = [];
  for (let offset = 0; offset < MAX_MAP_INDEXES; offset += PAGE) {
    const page = await source.listXComs(
      { dagId: x.dagId, runId: x.runId, taskId: x.taskId },
      { offset, limit: PAGE },
      model.signal,
    );
    found.push(...page.items.filter((i) => i.key === x.key && i.mapIndex >= 0));
    if (!page.hasMore) break;
  }
  return found.sort((a, b) => a.mapIndex - b.mapIndex);
}

/** The table of one map index, read into a table of its own. */
async function readPart(
  request: PreviewRequest,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
  onWarning: (message: string) => void,
): Promise<ColumnarTable> {
  const pending: TableSource | PendingTableSource = request.source;
  const source = pending.kind === 'pending' ? await pending.resolve(signal) : pending;
  const table = new ColumnarTable();
  await parseTableSource(source, table, {
    signal,
    codecs: { sniffFormat, decompress },
    onProgress: (bytes) => onBytes(bytes),
    onWarning,
  });
  return table;
}

/**
 * A source that reads the map indexes' tables a few at a time and stacks each, in map-index order, as soon as the
 * ones before it are in. `result` collects the map indexes stacked and the notes the panel shows as warnings
 * (`leftOut` first).
 */
function stackedSource(
  title: string,
  parts: { mapIndex: number; request: PreviewRequest }[],
  leftOut: string[],
  result: Pick<MapIndexesResult, 'stacked' | 'notes'>,
): BuiltTableSource {
  return {
    kind: 'built',
    title,
    async fill(table, events) {
      const note = (message: string) => {
        result.notes.push(message);
        events.onWarning?.(message);
      };
      leftOut.forEach(note);
      const bytes = new Array<number>(parts.length).fill(0);
      const results: (StackPart | null | undefined)[] = new Array(parts.length).fill(undefined);
      let next = 0;
      let appended = 0;
      let appending = Promise.resolve();
      // Appends the parts read so far that follow the last appended one (map-index order, one append at a time).
      const flush = async () => {
        while (appended < parts.length && results[appended] !== undefined) {
          const part = results[appended++];
          if (!part) continue;
          await appendPart(table, PART_COLUMN, part, events.signal);
          result.stacked.push(part.partValue);
          events.onSchema?.();
          events.onProgress?.(bytes.reduce((a, b) => a + b, 0));
        }
      };
      const worker = async () => {
        while (next < parts.length) {
          const k = next++;
          const { mapIndex, request } = parts[k];
          try {
            const part = await readPart(
              request,
              events.signal,
              (read) => {
                bytes[k] = read;
                events.onProgress?.(bytes.reduce((a, b) => a + b, 0));
              },
              (message) => note(`${PART_COLUMN} ${mapIndex}: ${message}`),
            );
            results[k] = { partValue: mapIndex, table: part };
          } catch (e) {
            if (events.signal.aborted) throw e;
            results[k] = null;
            note(`${PART_COLUMN} ${mapIndex} could not be read and is left out: ${errorMessage(e)}`);
          }
          appending = appending.then(flush);
          await appending;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, parts.length) }, worker));
      const read = results.filter((r): r is StackPart => !!r);
      for (const sentence of schemaDifferences(PART_COLUMN, read)) note(sentence);
    },
  };
}

/** Registers Preview All Map Indexes (an XCom of a mapped task instance: every map index's XCom of that key). */
export function registerMapIndexPreview(
  panels: PreviewPanels,
  previews: PreviewSources,
  model: AirflowTreeModel,
  context: TreeContext,
  command: string,
): vscode.Disposable {
  return vscode.commands.registerCommand(command, async (node?: unknown): Promise<MapIndexesResult | undefined> => {
    if (!(node instanceof XComNode) || node.xcom.mapIndex < 0) {
      void vscode.window.showWarningMessage(
        'Pick an XCom of a mapped task instance (one of its map indexes) to preview every map index together.',
      );
      return undefined;
    }
    const x = node.xcom;
    try {
      const siblings = await siblingXComs(model, node);
      const leftOut: string[] = [];
      const parts: { mapIndex: number; request: PreviewRequest }[] = [];
      for (const item of siblings) {
        const request = previews.fromNode(new XComNode(context, node.parent, node.connection, item));
        if (request) parts.push({ mapIndex: item.mapIndex, request });
        else leftOut.push(`${PART_COLUMN} ${item.mapIndex} holds no table and is left out.`);
      }
      if (parts.length === 0) {
        void vscode.window.showInformationMessage(
          `No map index of ${x.taskId} holds a table under "${x.key}" in ${x.runId}.`,
        );
        return undefined;
      }
      const title = `${x.dagId} / ${x.runId} / ${x.taskId}[all ${parts.length}] / ${x.key}`;
      const result = { stacked: [] as number[], notes: [] as string[] };
      const session = panels.openSession({
        title,
        subtitle: `${parts.length} map indexes stacked, with a ${PART_COLUMN} column`,
        source: stackedSource(title, parts, leftOut, result),
      });
      const summary = await session.loaded;
      return { summary, ...result };
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not preview the map indexes: ${errorMessage(error)}`);
      return undefined;
    }
  });
}

// Preview All Map Indexes: the tables a mapped task's map indexes pushed under one key, stacked into one preview
// with a `map_index` column. The preview's table worker reads them one after another (a few reached ahead) and
// stacks them; the panel shows progress, its Cancel stops every read, and what differs between the map indexes'
// schemas is reported in the panel.
import * as vscode from 'vscode';
import type { XComSummary } from '../airflow/types';
import { errorMessage } from '../errors';
import type { StackedTableSource } from '../formats/table';
import type { AirflowTreeModel } from '../views/airflowTreeModel';
import type { TreeContext } from '../views/treeNodes/treeNode';
import { XComNode } from '../views/treeNodes/xcomNode';
import type { PreviewPanels, PreviewRequest, PreviewSummary } from './previewPanel';
import type { PreviewSources } from './previewSources';

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

/**
 * The map indexes' tables stacked in map-index order in the preview's table worker, each read there in turn (a few
 * reached ahead). `result` collects the map indexes stacked and the notes the panel shows as warnings (`leftOut`
 * first).
 */
function stackedSource(
  title: string,
  parts: { mapIndex: number; request: PreviewRequest }[],
  leftOut: string[],
  result: Pick<MapIndexesResult, 'stacked' | 'notes'>,
): StackedTableSource {
  return {
    kind: 'stacked',
    title,
    partColumn: PART_COLUMN,
    firstNotes: leftOut,
    parts: parts.map(({ mapIndex, request }) => ({
      partValue: mapIndex,
      async open(signal) {
        const source = request.source.kind === 'pending' ? await request.source.resolve(signal) : request.source;
        if (source.kind !== 'bytes' && source.kind !== 'inline') throw new Error('it is not a single table');
        return source;
      },
    })),
    onPartStacked: (mapIndex) => result.stacked.push(mapIndex),
    onNote: (message) => result.notes.push(message),
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
        // Said before any is read: which map indexes could not be stacked, the notes below the header say.
        subtitle: `the map indexes' tables, stacked with a ${PART_COLUMN} column`,
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

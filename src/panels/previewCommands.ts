import * as vscode from 'vscode';
import { Commands } from '../constants';
import { earlierTriesNote } from '../compare/earlierTries';
import { diffReport, diffTables, type TableShape } from '../compare/tableDiff';
import { errorMessage } from '../errors';
import type { AirflowTreeModel } from '../views/airflowTreeModel';
import type { TreeContext } from '../views/treeNodes/treeNode';
import { TaskInstanceNode } from '../views/treeNodes/taskInstanceNode';
import { XComNode } from '../views/treeNodes/xcomNode';
import type { PreviewPanels, PreviewSummary } from './previewPanel';
import type { PreviewSources } from './previewSources';
import { registerMapIndexPreview } from './mapIndexPreview';

/** What Compare with Last Successful Run found, returned to scripts and tests. */
export interface ComparisonResult {
  /** run_id of the baseline run. */
  baselineRunId: string;
  /** The Markdown report shown to the user. */
  report: string;
  /** The two loaded tables. */
  baseline: PreviewSummary;
  current: PreviewSummary;
}

/** Registers Preview as Table Anyway, Compare with Last Successful Run and Preview All Map Indexes. */
export function registerPreviewCommands(
  panels: PreviewPanels,
  previews: PreviewSources,
  model: AirflowTreeModel,
  context: TreeContext,
): vscode.Disposable[] {
  return [
    registerMapIndexPreview(panels, previews, model, context, Commands.previewAllMapIndexes),
    vscode.commands.registerCommand(Commands.previewAnyway, async (node?: unknown) => {
      if (!(node instanceof XComNode)) return undefined;
      await node.readValue();
      let request;
      try {
        request = previews.fromNode(node, true);
      } catch (error) {
        void vscode.window.showErrorMessage(`Cannot preview: ${errorMessage(error)}`);
        return undefined;
      }
      if (!request) return undefined;
      return panels.openSession(request).loaded;
    }),

    vscode.commands.registerCommand(
      Commands.compareWithLastGoodRun,
      async (node?: unknown): Promise<ComparisonResult | undefined> => {
        if (node instanceof XComNode) await node.readValue();
        if (!(node instanceof XComNode) || !node.isTable) {
          void vscode.window.showWarningMessage(
            'Pick an XCom that holds a table to compare it with the last successful run.',
          );
          return undefined;
        }
        const x = node.xcom;
        try {
          const source = await model.source(node.connection);
          const baselineRun = await source.findLastSuccessfulRun(x.dagId, x.runId, model.signal);
          if (!baselineRun) {
            void vscode.window.showInformationMessage(
              `No successful run of ${x.dagId} before ${x.runId} to compare with.`,
            );
            return undefined;
          }
          const page = await source.listXComs(
            { dagId: x.dagId, runId: baselineRun.runId, taskId: x.taskId, mapIndex: x.mapIndex },
            { offset: 0, limit: 1000 },
            model.signal,
          );
          const baselineXCom = page.items.find((item) => item.key === x.key);
          if (!baselineXCom) {
            void vscode.window.showInformationMessage(
              `${x.taskId} pushed no "${x.key}" in ${baselineRun.runId}, the last successful run.`,
            );
            return undefined;
          }
          const baselineNode = new XComNode(context, node.parent, node.connection, baselineXCom);
          await baselineNode.readValue();
          const [currentRequest, baselineRequest] = [previews.fromNode(node), previews.fromNode(baselineNode)];
          if (!currentRequest || !baselineRequest) throw new Error(`${x.key} in ${baselineRun.runId} holds no table`);
          currentRequest.title = `${currentRequest.title} (this run)`;
          baselineRequest.title = `${baselineRequest.title} (last success)`;
          const [current, baseline] = await Promise.all([
            panels.openSession(currentRequest).loaded,
            panels.openSession(baselineRequest, vscode.ViewColumn.Beside).loaded,
          ]);
          if (current.error || baseline.error)
            throw new Error(
              current.error
                ? `this run's table could not be read: ${current.error}`
                : `the table of ${baselineRun.runId} could not be read: ${baseline.error}`,
            );
          const shape = (s: PreviewSummary): TableShape => ({
            columns: s.columns.map((name, i) => ({ name, type: s.types[i] ?? 'string' })),
            rowCount: s.rowCount,
          });
          const diff = diffTables(shape(baseline), shape(current));
          const tries = node.parent instanceof TaskInstanceNode ? node.parent.ti.tryNumber : undefined;
          const note = earlierTriesNote(x.taskId, tries);
          const report =
            diffReport(
              diff,
              { baseline: `last success (${baselineRun.runId})`, current: `this run (${x.runId})` },
              { baseline: shape(baseline), current: shape(current) },
            ) + (note ? `\n${note}\n` : '');
          const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
          await vscode.window.showTextDocument(doc, {
            viewColumn: vscode.ViewColumn.Beside,
            preview: true,
            preserveFocus: true,
          });
          return { baselineRunId: baselineRun.runId, report, baseline, current };
        } catch (error) {
          void vscode.window.showErrorMessage(`Could not compare: ${errorMessage(error)}`);
          return undefined;
        }
      },
    ),
  ];
}

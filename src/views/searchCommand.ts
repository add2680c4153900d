import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { Commands } from '../constants';
import type { ConnectionStore } from '../connections/connectionStore';
import { pickConnection } from '../connections/pickConnection';
import type { XComSummary } from '../airflow/types';
import type { AirflowTreeModel } from './airflowTreeModel';
import { formatTimestamp } from './formatting';
import { ConnectionNode } from './treeNodes/connectionNode';
import { DagNode } from './treeNodes/dagNode';
import { DagRunNode } from './treeNodes/dagRunNode';
import { TaskInstanceNode } from './treeNodes/taskInstanceNode';
import type { TreeContext, TreeNode } from './treeNodes/treeNode';
import { XComNode } from './treeNodes/xcomNode';
import { errorMessage } from '../errors';

const PAGE = 50;

type HitItem = vscode.QuickPickItem & { hit?: XComSummary; more?: true };

/** Search XComs by key, DAG, task or run across the DB in a quick pick (paged), then reveal the hit in the tree. */
export function registerSearchCommand(
  store: ConnectionStore,
  model: AirflowTreeModel,
  context: TreeContext,
  treeView: () => vscode.TreeView<TreeNode> | undefined,
): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.searchXComs, async (connectionArg?: unknown, patternArg?: string) => {
    const connection = await pickConnection(store, connectionArg, 'Search which connection?');
    if (!connection) return undefined;
    const source = await model.source(connection);
    if (patternArg !== undefined) {
      const page = await source.searchXComs(patternArg, { offset: 0, limit: PAGE }, model.signal);
      const hit = page.items[0];
      if (hit) await reveal(connection, hit, context, treeView());
      return page.items;
    }

    const pick = vscode.window.createQuickPick<HitItem>();
    pick.title = `Search XComs in ${connection.name}`;
    pick.placeholder = 'Part of a key, DAG id, task id or run id';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let hits: XComSummary[] = [];
    let hasMore = false;
    let aborter = new AbortController();
    let timer: NodeJS.Timeout | undefined;

    const render = () => {
      const items: HitItem[] = hits.map((hit) => ({
        label: hit.key,
        description: `${hit.dagId} › ${hit.taskId}${hit.mapIndex >= 0 ? ` [${hit.mapIndex}]` : ''}`,
        detail: `${hit.runId} · ${formatTimestamp(hit.timestamp)}`,
        alwaysShow: true,
        hit,
      }));
      if (hasMore) items.push({ label: '$(ellipsis) Load more results…', alwaysShow: true, more: true });
      pick.items = items;
    };

    const search = async (append: boolean) => {
      aborter.abort();
      aborter = new AbortController();
      const pattern = pick.value.trim();
      if (!pattern) {
        hits = [];
        hasMore = false;
        render();
        return;
      }
      pick.busy = true;
      try {
        const page = await source.searchXComs(pattern, { offset: append ? hits.length : 0, limit: PAGE }, aborter.signal);
        hits = append ? [...hits, ...page.items] : page.items;
        hasMore = page.hasMore;
        render();
      } catch (error) {
        if (!aborter.signal.aborted) pick.items = [{ label: `$(warning) ${errorMessage(error)}`, alwaysShow: true }];
      } finally {
        pick.busy = false;
      }
    };

    pick.onDidChangeValue(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void search(false), 250);
    });
    pick.onDidAccept(async () => {
      const chosen = pick.selectedItems[0];
      if (chosen?.more) {
        await search(true);
        return;
      }
      if (!chosen?.hit) return;
      pick.hide();
      await reveal(connection, chosen.hit, context, treeView());
    });
    pick.onDidHide(() => {
      aborter.abort();
      pick.dispose();
    });
    pick.show();
    return undefined;
  });
}

/** Reveals an XCom in the tree (when its run is on a loaded page), else opens its value. */
async function reveal(connection: ConnectionConfig, hit: XComSummary, context: TreeContext, view: vscode.TreeView<TreeNode> | undefined): Promise<void> {
  const connectionNode = new ConnectionNode(context, connection);
  const dagNode = new DagNode(context, connectionNode, connection, { dagId: hit.dagId, displayName: hit.dagId, isPaused: false, tags: [], description: null, fileloc: null, owners: null, schedule: null });
  const runNode = new DagRunNode(context, dagNode, connection, { id: 0, dagId: hit.dagId, runId: hit.runId, state: null, runType: '', logicalDate: null, sortDate: null, startDate: null, endDate: null, dataIntervalStart: null, dataIntervalEnd: null });
  const tiNode = new TaskInstanceNode(context, runNode, connection, {
    dagId: hit.dagId, runId: hit.runId, taskId: hit.taskId, mapIndex: hit.mapIndex, renderedMapIndex: null, state: null, tryNumber: 1, maxTries: 0,
    startDate: null, endDate: null, durationSeconds: null, operator: null, hostname: null, displayName: hit.taskId,
  });
  const xcomNode = new XComNode(context, tiNode, connection, hit);
  try {
    if (!view) throw new Error('tree not shown');
    await view.reveal(xcomNode, { select: true, focus: true, expand: false });
  } catch {
    await vscode.commands.executeCommand(xcomNode.isTable ? Commands.preview : Commands.openValue, xcomNode);
  }
}

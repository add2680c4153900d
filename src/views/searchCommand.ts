import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { Commands } from '../constants';
import type { ConnectionStore } from '../connections/connectionStore';
import { pickConnection } from '../connections/pickConnection';
import type { XComSummary } from '../airflow/types';
import type { AirflowTreeModel } from './airflowTreeModel';
import type { AirflowTreeProvider } from './airflowTreeProvider';
import { formatTimestamp } from './formatting';
import { ConnectionNode } from './treeNodes/connectionNode';
import { xcomPath } from './treeNodes/nodeIds';
import type { TreeContext, TreeNode } from './treeNodes/treeNode';
import { XComNode } from './treeNodes/xcomNode';
import { errorMessage } from '../errors';

const PAGE = 50;

type HitItem = vscode.QuickPickItem & { hit?: XComSummary; more?: true };

/** The tree a hit is revealed in. */
interface SearchTree {
  /** What every node needs. */
  context: TreeContext;
  /** The provider whose nodes are searched for the hit. */
  provider: AirflowTreeProvider;
  /** The view that reveals it. */
  view: vscode.TreeView<TreeNode>;
}

/** Search XComs by key, DAG, task or run across the DB in a quick pick (paged), then reveal the hit in the tree. */
export function registerSearchCommand(
  store: ConnectionStore,
  model: AirflowTreeModel,
  tree: SearchTree,
): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.searchXComs, async (connectionArg?: unknown, patternArg?: string) => {
    const connection = await pickConnection(store, connectionArg, 'Search which connection?');
    if (!connection) return undefined;
    const source = await model.source(connection);
    if (patternArg !== undefined) {
      const page = await source.searchXComs(patternArg, { offset: 0, limit: PAGE }, model.signal);
      const hit = page.items[0];
      if (hit) await reveal(connection, hit, tree);
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
        const page = await source.searchXComs(
          pattern,
          { offset: append ? hits.length : 0, limit: PAGE },
          aborter.signal,
        );
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
      await reveal(connection, chosen.hit, tree);
    });
    pick.onDidHide(() => {
      aborter.abort();
      pick.dispose();
    });
    pick.show();
    return undefined;
  });
}

/**
 * Reveals an XCom in the tree: finds its node by the ids its keys make, walking the nodes the tree lists (so only
 * runs on a loaded page are found); else opens its value.
 */
async function reveal(connection: ConnectionConfig, hit: XComSummary, tree: SearchTree): Promise<void> {
  let found: TreeNode | undefined;
  let deepest: TreeNode | undefined;
  for (const id of xcomPath(connection.id, hit)) {
    found = (await tree.provider.getChildren(found)).find((node) => node.id === id);
    if (!found) break;
    deepest = found;
  }
  if (found instanceof XComNode) {
    try {
      await tree.view.reveal(found, { select: true, focus: true, expand: false });
      return;
    } catch {
      // The view cannot show it now: open the value instead.
    }
  }
  const parent = deepest ?? new ConnectionNode(tree.context, connection);
  const xcomNode = found instanceof XComNode ? found : new XComNode(tree.context, parent, connection, hit);
  await xcomNode.readValue();
  await vscode.commands.executeCommand(xcomNode.isTable ? Commands.preview : Commands.openValue, xcomNode);
}

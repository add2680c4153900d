import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { ConnectionStore } from '../connections/connectionStore';
import type { AirflowTreeModel } from './airflowTreeModel';
import type { AirflowTreeProvider } from './airflowTreeProvider';
import { DAG_RUN_STATES } from './stateIcons';
import { pickConnection } from '../connections/pickConnection';
import { DagNode } from './treeNodes/dagNode';
import { LoadMoreNode, type TreeNode } from './treeNodes/treeNode';
import { XComNode } from './treeNodes/xcomNode';
import type { ValueDocumentProvider } from './valueDocumentProvider';
import { errorMessage } from '../errors';

/** Services the tree commands act on. */
export interface TreeCommandDeps {
  store: ConnectionStore;
  model: AirflowTreeModel;
  provider: AirflowTreeProvider;
  values: ValueDocumentProvider;
  log: vscode.LogOutputChannel;
}

/** Registers the commands that act on the tree: refresh, filters, paging, Open Value. */
export function registerTreeCommands(deps: TreeCommandDeps): vscode.Disposable[] {
  const { model, provider, store, values, log } = deps;

  return [
    vscode.commands.registerCommand(Commands.refresh, async (node?: TreeNode) => {
      if (node) {
        model.invalidate(node.id);
        provider.refresh(node);
        return;
      }
      // Everything that holds a connection (sources, pages, HEAD results, rules, S3 clients) listens.
      store.reconnect();
    }),

    vscode.commands.registerCommand(Commands.loadMore, async (node: LoadMoreNode) => {
      if (!(node instanceof LoadMoreNode)) return;
      try {
        await model.loadMore(node.listId);
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not load more: ${errorMessage(error)}`);
      }
      provider.refresh(node.parent);
    }),

    vscode.commands.registerCommand(Commands.filterDags, async (node?: unknown, filterArg?: string) => {
      const connectionId = (await pickConnection(store, node))?.id;
      if (!connectionId) return;
      const filter =
        filterArg ??
        (await vscode.window.showInputBox({
          title: 'Filter DAGs',
          prompt: 'Show DAGs whose id, display name or tag contains this text (empty shows all).',
          value: model.dagFilter(connectionId) ?? '',
        }));
      if (filter === undefined) return;
      model.setDagFilter(connectionId, filter.trim() || undefined);
      provider.refresh();
    }),

    vscode.commands.registerCommand(Commands.filterRunsByState, async (node?: DagNode, statesArg?: string[]) => {
      if (!(node instanceof DagNode)) return;
      let states = statesArg;
      if (!states) {
        const current = new Set(model.runStateFilter(node.connection.id, node.dag.dagId));
        const picked = await vscode.window.showQuickPick(
          DAG_RUN_STATES.map((s) => ({ label: s, picked: current.has(s) })),
          {
            canPickMany: true,
            title: `Runs of ${node.dag.dagId}`,
            placeHolder: 'Show runs in these states (none picked shows all)',
          },
        );
        if (!picked) return;
        states = picked.map((p) => p.label);
      }
      model.setRunStateFilter(node.connection.id, node.dag.dagId, states);
      provider.refresh(node);
    }),

    vscode.commands.registerCommand(Commands.clearFilters, () => {
      model.clearFilters();
      provider.refresh();
    }),

    vscode.commands.registerCommand(Commands.openValue, async (node?: XComNode) => {
      if (!(node instanceof XComNode)) return;
      await values.open(node, 'decoded');
    }),

    vscode.commands.registerCommand(Commands.openRawValue, async (node?: XComNode) => {
      if (!(node instanceof XComNode)) return;
      await values.open(node, 'raw');
    }),

    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  ];
}

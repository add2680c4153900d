import * as vscode from 'vscode';
import { readSettings } from './config';
import { Views, VALUE_SCHEME } from './constants';
import { ConnectionStore } from './connections/connectionStore';
import { registerConnectionCommands } from './connections/connectionCommands';
import { ObjectStores } from './connections/objectStores';
import { ReferenceRulesProvider } from './connections/referenceRules';
import { openMetadataSource } from './connections/sourceFactory';
import { AirflowTreeModel } from './views/airflowTreeModel';
import { AirflowTreeProvider } from './views/airflowTreeProvider';
import { registerCopyCommands } from './views/copyCommands';
import { TreePreviews } from './views/previewFromTree';
import { registerPreviewCommands } from './views/previewCommands';
import { registerSearchCommand } from './views/searchCommand';
import { registerTreeCommands } from './views/treeCommands';
import type { TreeNode } from './views/treeNodes/treeNode';
import { ValueDocumentProvider } from './views/valueDocumentProvider';
import { XComInspector } from './views/xcomInspector';
import { PreviewPanels } from './panels/previewPanel';
import { createPreviewDeps, registerPreview } from './panels/registerPreview';

/** What activate returns: the tree, for scripting and the extension-host tests. */
export interface XComLensApi {
  /** The Airflow tree's data provider. */
  tree: AirflowTreeProvider;
  /** How long activate() took, in milliseconds. */
  activationMs: number;
}

/** Composition root: builds the services, registers views and commands, and pushes every Disposable. */
export function activate(context: vscode.ExtensionContext): XComLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('XCom Lens', { log: true });
  const store = new ConnectionStore(context.secrets);
  const rules = new ReferenceRulesProvider(log);
  const objectStores = new ObjectStores(store, log);
  const model = new AirflowTreeModel(
    async (connection) => openMetadataSource(connection, await store.getPassword(connection.id), readSettings(), log),
    () => readSettings().pageSize,
  );
  let refreshNode: (node: TreeNode) => void = () => undefined;
  const inspector = new XComInspector(
    (connection) => rules.rulesFor(connection),
    (connection, reference) => objectStores.head(connection, reference),
    (node) => refreshNode(node),
  );
  const treeView: { current?: vscode.TreeView<TreeNode> } = {};
  const provider = new AirflowTreeProvider(store, model, { model, inspector }, (message) => {
    if (treeView.current) treeView.current.message = message;
  });
  refreshNode = (node) => provider.refresh(node);
  treeView.current = vscode.window.createTreeView(Views.explorer, { treeDataProvider: provider, showCollapseAll: true });
  const values = new ValueDocumentProvider(store, model);

  context.subscriptions.push(
    log, store, model, provider, treeView.current, rules, objectStores,
    vscode.workspace.registerTextDocumentContentProvider(VALUE_SCHEME, values),
    ...registerTreeCommands({ store, model, provider, values, log, onRefresh: () => { inspector.clear(); rules.reload(); objectStores.clear(); } }),
    ...registerCopyCommands(objectStores, log),
    registerSearchCommand(store, model, { model, inspector }, () => treeView.current),
    ...registerConnectionCommands({
      store, model, provider, log,
      probe: async (connection, password, signal) => {
        const source = await openMetadataSource(connection, password, readSettings(), log);
        try {
          return await source.describe(signal);
        } finally {
          await source.close();
        }
      },
    }),
  );
  const treePreviews = new TreePreviews(store, objectStores);
  const previewDeps = {
    ...createPreviewDeps(log, () => rules.rulesFor(undefined), () => rules.configFor(undefined)),
    requestFromOther: (arg: unknown) => treePreviews.fromNode(arg),
    reviveOther: (persisted: unknown) => treePreviews.revive(persisted),
  };
  const panels = new PreviewPanels(context.extensionUri, log, readSettings, previewDeps);
  registerPreview(context, panels, previewDeps);
  context.subscriptions.push(...registerPreviewCommands(panels, treePreviews, model, { model, inspector }));

  const activationMs = performance.now() - started;
  log.info(`XCom Lens activated in ${activationMs.toFixed(1)} ms`);
  return { tree: provider, activationMs };
}

/** Nothing to do: every resource is a Disposable in context.subscriptions. */
export function deactivate(): void {}

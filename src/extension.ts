import * as vscode from 'vscode';
import { readSettings } from './config';
import { Views, VALUE_SCHEME } from './constants';
import { ConnectionStore } from './connections/connectionStore';
import { ConnectionDetector } from './connections/connectionDetector';
import { registerConnectionCommands } from './connections/connectionCommands';
import { ObjectStores } from './connections/objectStores';
import { ReferenceRulesProvider } from './connections/referenceRules';
import { openMetadataSource } from './connections/sourceFactory';
import { AirflowTreeModel } from './views/airflowTreeModel';
import { AirflowTreeProvider } from './views/airflowTreeProvider';
import { ExpansionState } from './views/expansionState';
import { registerRevealTaskInstance } from './views/revealTaskInstance';
import { registerCopyCommands } from './views/copyCommands';
import { registerSearchCommand } from './views/searchCommand';
import { registerDagCodeLens } from './views/dagCodeLens';
import { registerTaskDefinitionCommand } from './views/taskDefinition';
import { registerTreeCommands } from './views/treeCommands';
import type { TreeContext } from './views/treeNodes/treeNode';
import { ValueDocumentProvider } from './views/valueDocumentProvider';
import { registerLogCommands } from './views/logCommands';
import { XComInspector } from './views/xcomInspector';
import { PreviewPanels } from './panels/previewPanel';
import { registerPreviewCommands } from './panels/previewCommands';
import { PreviewSources } from './panels/previewSources';
import { registerPreview } from './panels/registerPreview';

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
  // The Connections part: every other part listens to the store's onDidChange (which connection changed).
  const store = new ConnectionStore(context.secrets);
  const detector = new ConnectionDetector(store, context.workspaceState, log);
  const rules = new ReferenceRulesProvider(log, store.onDidChange);
  const objectStores = new ObjectStores(store, log);
  const model = new AirflowTreeModel(
    async (connection) => openMetadataSource(connection, await store.getPassword(connection), readSettings(), log),
    () => readSettings().pageSize,
    store.onDidChange,
  );
  const inspector = new XComInspector(
    (connection) => rules.rulesFor(connection),
    (connection, reference) => objectStores.head(connection, reference),
  );
  const tree: TreeContext = { model, inspector };
  const expansion = new ExpansionState(context.workspaceState);
  const provider = new AirflowTreeProvider(store, tree, { expansion, detection: () => detector.settled });
  const treeView = vscode.window.createTreeView(Views.explorer, { treeDataProvider: provider, showCollapseAll: true });
  const values = new ValueDocumentProvider(store, model, undefined, {
    rulesFor: (connection) => rules.rulesFor(connection),
    storeFor: (connection) => objectStores.storeFor(connection),
  });

  context.subscriptions.push(
    log,
    store,
    detector,
    model,
    inspector,
    provider,
    treeView,
    treeView.onDidExpandElement((e) => void expansion.remember(e.element.id, true)),
    treeView.onDidCollapseElement((e) => void expansion.remember(e.element.id, false)),
    rules,
    objectStores,
    store.onDidChange(() => inspector.clear()),
    provider.onDidChangeMessage((message) => {
      treeView.message = message;
    }),
    vscode.workspace.registerTextDocumentContentProvider(VALUE_SCHEME, values),
    ...registerTreeCommands({ store, model, provider, values, log }),
    ...registerCopyCommands(objectStores, log),
    ...registerLogCommands(store, model, objectStores),
    registerSearchCommand(store, model, { context: tree, provider, view: treeView }),
    registerTaskDefinitionCommand(model),
    ...registerDagCodeLens(store, tree),
    registerRevealTaskInstance({ view: treeView, provider }),
    ...registerConnectionCommands({
      store,
      detector,
      log,
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
  const previews = new PreviewSources({
    connections: store,
    objectStores,
    rules: (connection) => rules.rulesFor(connection),
    waitTimeoutMs: () => readSettings().s3RequestTimeoutSeconds * 1000,
    log,
  });
  const panels = new PreviewPanels(context.extensionUri, log, readSettings, {
    resolveReference: (value, parent) => previews.resolveReference(value, parent),
    referenceConfig: (request) => rules.configFor(previews.connectionOf(request)),
  });
  context.subscriptions.push(
    panels,
    ...registerPreview(panels, previews),
    ...registerPreviewCommands(panels, previews, model, tree),
  );

  const activationMs = performance.now() - started;
  log.info(`XCom Lens activated in ${activationMs.toFixed(1)} ms`);
  return { tree: provider, activationMs };
}

/** Nothing to do: every resource is a Disposable in context.subscriptions. */
export function deactivate(): void {}

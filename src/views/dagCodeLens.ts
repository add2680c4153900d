import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import { Commands, PREFIX } from '../constants';
import type { ConnectionStore } from '../connections/connectionStore';
import { commonSuffixLength } from '../airflow/dagFileLocation';
import { findDagSourceTasks, type TaskDefinition } from '../airflow/dagSourceTasks';
import type { DagRunSummary, DagSummary, TaskInstanceSummary } from '../airflow/types';
import { CancellationError, errorMessage } from '../errors';
import { formatTimestamp } from './formatting';
import { ConnectionNode } from './treeNodes/connectionNode';
import { DagNode } from './treeNodes/dagNode';
import { DagRunNode } from './treeNodes/dagRunNode';
import { MappedTaskNode, TaskInstanceNode } from './treeNodes/taskInstanceNode';
import type { TreeContext, TreeNode } from './treeNodes/treeNode';
import { XComNode } from './treeNodes/xcomNode';

const SYMBOLS: Record<string, string> = { success: '✓', failed: '✗', up_for_retry: '↻', running: '▶', skipped: '⤼' };
const XCOM_PAGE = 100;
const TI_PAGE = 500;

/** What a task's lenses show: its latest run's state and XComs, the tree node to reveal, the instance to log. */
interface TaskSummary {
  title: string;
  node?: TreeNode;
  table?: XComNode;
  /** The instance whose log Open Log opens: the task's, or for a mapped task its failed (else first) index. */
  log?: TaskInstanceNode;
}

/** A DAG of the document that a connection knows. */
interface KnownDag {
  connection: ConnectionConfig;
  dag: DagSummary;
}

/** One lens: which task of which known DAG, and which link it is. */
class TaskLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly known: KnownDag,
    readonly task: TaskDefinition,
    readonly link: 'status' | 'preview' | 'log' | 'reveal',
    readonly version: string,
  ) {
    super(range);
  }
}

/**
 * CodeLenses above the tasks of DAG files a connected Airflow knows: latest state, XCom count, Preview, Open Log,
 * Reveal in Tree.
 */
class DagCodeLensProvider implements vscode.CodeLensProvider<TaskLens> {
  private readonly summaries = new Map<string, Promise<TaskSummary>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the lenses should be asked for again (the setting or the connections changed). */
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly store: ConnectionStore,
    private readonly context: TreeContext,
  ) {}

  /** Forgets the summaries and asks VS Code for fresh lenses. */
  reload(): void {
    this.summaries.clear();
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<TaskLens[]> {
    if (!vscode.workspace.getConfiguration(PREFIX).get<boolean>('codeLens.enabled', true)) return [];
    const outline = findDagSourceTasks(document.getText());
    if (!outline.tasks.length) return [];
    const version = `${document.uri.toString()}@${document.version}`;
    const known = await this.knownDags([...new Set(outline.dags.map((d) => d.dagId))], document.uri.fsPath);
    if (token.isCancellationRequested) return [];
    const lenses: TaskLens[] = [];
    for (const task of outline.tasks) {
      const dag = task.dagId ? known.get(task.dagId) : undefined;
      if (!dag) continue;
      const range = new vscode.Range(task.line, task.column, task.line, task.column);
      for (const link of ['status', 'preview', 'log', 'reveal'] as const)
        lenses.push(new TaskLens(range, dag, task, link, version));
    }
    return lenses;
  }

  async resolveCodeLens(lens: TaskLens, token: vscode.CancellationToken): Promise<TaskLens> {
    const { connection, dag } = lens.known;
    const key = [lens.version, connection.id, dag.dagId, lens.task.taskId].join('\u0000');
    let summary = this.summaries.get(key);
    if (!summary) {
      summary = this.summarize(lens.known, lens.task).catch((error: unknown) => ({
        title: `XCom Lens: ${errorMessage(error)}`,
      }));
      this.summaries.set(key, summary);
      if (this.summaries.size > 500) this.summaries.delete(this.summaries.keys().next().value as string);
    }
    const cancelled = new Promise<never>((_, reject) =>
      token.onCancellationRequested(() => reject(new CancellationError())),
    );
    const s = await Promise.race([summary, cancelled]);
    if (lens.link === 'status') lens.command = { title: s.title, command: '' };
    else if (lens.link === 'preview')
      lens.command = s.table
        ? { title: 'Preview', command: Commands.preview, arguments: [s.table] }
        : { title: 'Preview: no table XCom', command: '' };
    else if (lens.link === 'log') lens.command = logCommand(s.log);
    else
      lens.command = s.node
        ? { title: 'Reveal in Tree', command: Commands.revealTaskInstance, arguments: [s.node] }
        : { title: '', command: '' };
    return lens;
  }

  /** The document's DAGs that a connection (not failed) knows, with a fileloc whose file name matches. */
  private async knownDags(dagIds: string[], path: string): Promise<Map<string, KnownDag>> {
    const known = new Map<string, KnownDag>();
    for (const connection of this.store.shown()) {
      if (this.context.model.state(connection.id).status === 'failed') continue;
      for (const dagId of dagIds) {
        if (known.has(dagId)) continue;
        const dag = await this.context.model
          .cached(`${connection.id}/codeLens/dag/${dagId}`, async () => {
            const source = await this.context.model.source(connection);
            const page = await source.listDags(dagId, { offset: 0, limit: 50 }, this.context.model.signal);
            return page.items.find((d) => d.dagId === dagId);
          })
          .catch(() => undefined);
        if (dag && (!dag.fileloc || commonSuffixLength(dag.fileloc, path) > 0)) known.set(dagId, { connection, dag });
      }
    }
    return known;
  }

  private async summarize({ connection, dag }: KnownDag, task: TaskDefinition): Promise<TaskSummary> {
    const model = this.context.model;
    const source = await model.source(connection);
    const runs = await model.cached(`${connection.id}/codeLens/latestRun/${dag.dagId}`, () =>
      source.listDagRuns(dag.dagId, {}, { offset: 0, limit: 1 }, model.signal),
    );
    const run: DagRunSummary | undefined = runs.items[0];
    if (!run) return { title: 'no runs yet' };
    const all = await model.cached(`${connection.id}/codeLens/tis/${dag.dagId}/${run.runId}`, async () => {
      const items: TaskInstanceSummary[] = [];
      for (let offset = 0; offset < 10 * TI_PAGE; offset += TI_PAGE) {
        const page = await source.listTaskInstances(dag.dagId, run.runId, {}, { offset, limit: TI_PAGE }, model.signal);
        items.push(...page.items);
        if (!page.hasMore) break;
      }
      return items;
    });
    const instances = all.filter((ti) => ti.taskId === task.taskId);
    const when = formatTimestamp(run.logicalDate ?? run.sortDate)
      .replace(/:00 UTC$/, '')
      .replace(/ UTC$/, '');
    if (!instances.length) return { title: `not in the latest run · ${when}` };
    const states = instances.map((ti) => ti.state ?? 'no status');
    const worst =
      ['failed', 'up_for_retry', 'upstream_failed', 'running', 'queued'].find((s) => states.includes(s)) ?? states[0];
    const xcoms = await source.listXComs(
      { dagId: dag.dagId, runId: run.runId, taskId: task.taskId },
      { offset: 0, limit: XCOM_PAGE },
      model.signal,
    );
    const plural = xcoms.items.length === 1 && !xcoms.hasMore ? '' : 's';
    const count = `${xcoms.items.length}${xcoms.hasMore ? '+' : ''} XCom${plural}`;
    const mapped = instances.length > 1 || instances[0].mapIndex >= 0 ? ` (${instances.length} mapped)` : '';
    const connectionNode = new ConnectionNode(this.context, connection);
    const dagNode = new DagNode(this.context, connectionNode, connection, dag);
    const runNode = new DagRunNode(this.context, dagNode, connection, run);
    const group = mapped ? new MappedTaskNode(this.context, runNode, connection, instances) : undefined;
    const logged = instances.find((ti) => ti.state === 'failed') ?? instances[0];
    const log = new TaskInstanceNode(this.context, group ?? runNode, connection, logged);
    const tiNode = group ?? log;
    const nodes = xcoms.items.map((x) => new XComNode(this.context, tiNode, connection, x));
    await Promise.all(nodes.map((n) => n.readValue()));
    const table = nodes.find((n) => n.isTable);
    return { title: `${SYMBOLS[worst] ?? '•'} ${worst}${mapped} · ${count} · ${when}`, node: tiNode, table, log };
  }
}

/** Open Log of the latest try of an instance; a task that never ran has no log. */
function logCommand(node: TaskInstanceNode | undefined): vscode.Command {
  if (!node) return { title: '', command: '' };
  const { tryNumber, mapIndex } = node.ti;
  if (tryNumber < 1) return { title: 'Open Log: never ran', command: '' };
  const index = mapIndex >= 0 ? ` [${mapIndex}]` : '';
  return { title: `Open Log${index}`, command: Commands.openLog, arguments: [node, tryNumber] };
}

/** Registers the DAG-file CodeLenses. */
export function registerDagCodeLens(store: ConnectionStore, context: TreeContext): vscode.Disposable[] {
  const provider = new DagCodeLensProvider(store, context);
  return [
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${PREFIX}.codeLens.enabled`) || e.affectsConfiguration(`${PREFIX}.connections`))
        provider.reload();
    }),
  ];
}

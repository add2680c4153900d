// Reveal in Tree for a task instance node built from keys (a DAG file's CodeLens), not taken from the tree. VS Code
// drops such a reveal silently when the view has not loaded yet (a hidden view defers its refresh) or when a list on
// the way is re-fetched meanwhile, so the view is shown and loaded first, and the selection is checked afterwards.
import * as vscode from 'vscode';
import { Commands, Views } from '../constants';
import type { AirflowTreeProvider } from './airflowTreeProvider';
import { MappedTaskNode, TaskInstanceNode } from './treeNodes/taskInstanceNode';
import type { TreeNode } from './treeNodes/treeNode';

/** How long to wait for VS Code to show the view or report the selection before saying it could not. */
const WAIT_MS = 10_000;

/** The view a task instance is revealed in, and the provider whose lists it walks. */
interface RevealTree {
  /** The XCom Lens view. */
  view: vscode.TreeView<TreeNode>;
  /** Its data provider. */
  provider: AirflowTreeProvider;
}

/** Settles true when `event` fires a value `test` accepts, false after {@link WAIT_MS} or when disposed. */
function when<T>(
  event: vscode.Event<T>,
  test: (value: T) => boolean,
): { settled: Promise<boolean> } & vscode.Disposable {
  let done: (result: boolean) => void = () => undefined;
  const settled = new Promise<boolean>((resolve) => {
    done = (result) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(result);
    };
  });
  const timer = setTimeout(() => done(false), WAIT_MS);
  const subscription = event((value) => {
    if (test(value)) done(true);
  });
  return { settled, dispose: () => done(false) };
}

function labelOf(node: TreeNode): string {
  const label = node.getTreeItem().label;
  return typeof label === 'string' ? label : (label?.label ?? node.id);
}

/**
 * The tree's own node for `node`, walked from the root by the ids of its ancestors through the lists the tree shows
 * (so the same pages and filters); or the first ancestor that is not listed and the node it was looked for under.
 */
async function listedNode(
  provider: AirflowTreeProvider,
  node: TreeNode,
): Promise<{ found: TreeNode } | { missing: TreeNode; under?: TreeNode }> {
  const chain: TreeNode[] = [];
  for (let n: TreeNode | undefined = node; n; n = n.parent) chain.unshift(n);
  let found: TreeNode | undefined;
  for (const wanted of chain) {
    const next = (await provider.getChildren(found)).find((child) => child.id === wanted.id);
    if (!next) return { missing: wanted, under: found };
    found = next;
  }
  return found ? { found } : { missing: node };
}

/** Shows the view if it is hidden and waits until VS Code says it is visible (it then loads the roots). */
async function showView(view: vscode.TreeView<TreeNode>): Promise<void> {
  if (view.visible) return;
  const visible = when(view.onDidChangeVisibility, (e) => e.visible);
  await vscode.commands.executeCommand(`${Views.explorer}.focus`);
  if (view.visible) visible.dispose();
  await visible.settled;
}

/** Reveals and selects `node`; true once VS Code reports it selected. */
async function revealSelected(view: vscode.TreeView<TreeNode>, node: TreeNode): Promise<boolean> {
  const isSelected = (selection: readonly TreeNode[]): boolean => selection.some((n) => n.id === node.id);
  const selected = when(view.onDidChangeSelection, (e) => isSelected(e.selection));
  await view.reveal(node, { select: true, focus: true, expand: true });
  if (isSelected(view.selection)) selected.dispose();
  return isSelected(view.selection) || selected.settled;
}

/** Registers Reveal in Tree: selects a task instance (or a mapped task's group) in the XCom Lens view. */
export function registerRevealTaskInstance(target: RevealTree): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.revealTaskInstance, async (node?: unknown): Promise<boolean> => {
    if (!(node instanceof TaskInstanceNode || node instanceof MappedTaskNode)) return false;
    await showView(target.view);
    const listed = await listedNode(target.provider, node);
    if (!('found' in listed)) {
      const where = listed.under ? ` under ${labelOf(listed.under)}` : '';
      void vscode.window.showWarningMessage(
        `${labelOf(listed.missing)} is not among what the tree lists${where}: ` +
          'clear its filter or use Load more…, then Reveal in Tree again.',
      );
      return false;
    }
    // A list on the way that VS Code re-fetched during the first reveal makes it drop that reveal: once more.
    if ((await revealSelected(target.view, listed.found)) || (await revealSelected(target.view, listed.found)))
      return true;
    void vscode.window.showWarningMessage(`Could not select ${labelOf(node)} in the XCom Lens tree.`);
    return false;
  });
}

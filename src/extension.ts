import * as vscode from 'vscode';

/** Composition root: builds the services, registers views and commands, and pushes every Disposable. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('XCom Lens', { log: true });
  context.subscriptions.push(log);
  // [tree registration]
  // [preview registration]
}

/** Nothing to do: every resource is a Disposable in context.subscriptions. */
export function deactivate(): void {}

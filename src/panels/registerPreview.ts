// The `xcomLens.preview` command (a tree node, or a plain-object argument for scripts and tests) and the
// serializer that restores previews after a window reload.
import * as vscode from 'vscode';
import { Commands, Views } from '../constants';
import { errorMessage } from '../errors';
import type { PersistedState } from '../protocol';
import type { PreviewPanels, PreviewRequest, PreviewSummary } from './previewPanel';
import type { PreviewSources } from './previewSources';
import { XComNode } from '../views/treeNodes/xcomNode';

/** Registers `xcomLens.preview` and the preview panel serializer. */
export function registerPreview(panels: PreviewPanels, sources: PreviewSources): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.preview, async (arg: unknown): Promise<PreviewSummary | undefined> => {
      let request: PreviewRequest | string | undefined;
      if (arg instanceof XComNode) await arg.readValue();
      try {
        request = sources.open(arg);
      } catch (e) {
        void vscode.window.showErrorMessage(`XCom Lens: cannot preview: ${errorMessage(e)}`);
        return undefined;
      }
      if (request === undefined) return undefined;
      if (typeof request === 'string') {
        void vscode.window.showErrorMessage(`XCom Lens: ${request}`);
        return undefined;
      }
      const session = panels.openSession(request);
      const summary = await session.loaded;
      // The panel shows why the object could not be opened; scripts get no summary of a table that never was.
      return session.sourceOpened ? summary : undefined;
    }),
    vscode.window.registerWebviewPanelSerializer(Views.preview, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const s = (typeof state === 'object' && state !== null ? state : {}) as PersistedState;
        let request: PreviewRequest | undefined;
        try {
          request = sources.revive(s.source, typeof s.title === 'string' ? s.title : undefined);
        } catch {
          request = undefined;
        }
        await panels.revive(panel, s, request);
      },
    }),
  ];
}

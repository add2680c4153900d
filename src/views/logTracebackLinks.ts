import * as vscode from 'vscode';
import { LOG_SCHEME } from '../constants';
import { bestFilelocMatches, filelocBaseName } from '../airflow/dagFileLocation';

/** A traceback frame: `File "/opt/airflow/dags/etl/orders.py", line 42`. */
const FRAME = /File "([^"\n]+\.py)", line (\d+)/g;

/** Paths that are installed code, never a DAG file of the workspace. */
const INSTALLED = /[\\/](site-packages|dist-packages|lib[\\/]python\d[^\\/]*)[\\/]/;

/** Distinct files looked up per document at most (each is one workspace search). */
const MAX_FILES = 100;

/** Links each traceback frame of a task log that names a DAG file to that file and line in the workspace. */
class TracebackLinkProvider implements vscode.DocumentLinkProvider {
  async provideDocumentLinks(
    document: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.DocumentLink[]> {
    const text = document.getText();
    const frames: Array<{ path: string; line: number; at: number }> = [];
    for (const m of text.matchAll(FRAME)) {
      if (INSTALLED.test(m[1])) continue;
      frames.push({ path: m[1], line: Number(m[2]), at: (m.index ?? 0) + 'File "'.length });
    }
    const targets = new Map<string, vscode.Uri | undefined>();
    const found = new Map<string, vscode.Uri[]>();
    for (const path of new Set(frames.map((f) => f.path))) {
      if (targets.size >= MAX_FILES || token.isCancellationRequested) break;
      const base = filelocBaseName(path);
      let uris = found.get(base);
      if (!uris) {
        uris = await vscode.workspace.findFiles(`**/${base}`, '**/node_modules/**', 50, token);
        found.set(base, uris);
      }
      const byPath = new Map(uris.map((u) => [u.fsPath, u]));
      const best = bestFilelocMatches(path, [...byPath.keys()]).sort();
      targets.set(path, best[0] ? byPath.get(best[0]) : undefined);
    }
    const links: vscode.DocumentLink[] = [];
    for (const frame of frames) {
      const target = targets.get(frame.path);
      if (!target) continue;
      const range = new vscode.Range(document.positionAt(frame.at), document.positionAt(frame.at + frame.path.length));
      const link = new vscode.DocumentLink(range, target.with({ fragment: `L${frame.line}` }));
      link.tooltip = `Open ${vscode.workspace.asRelativePath(target)} at line ${frame.line}`;
      links.push(link);
    }
    return links;
  }
}

/** Registers the traceback links of task log documents. */
export function registerTracebackLinks(): vscode.Disposable {
  return vscode.languages.registerDocumentLinkProvider({ scheme: LOG_SCHEME }, new TracebackLinkProvider());
}

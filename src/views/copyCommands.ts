import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { readSettings } from '../config';
import type { ObjectStores } from '../connections/objectStores';
import { downloadTarget } from '../copy/downloadPath';
import { objectUrl } from '../storage/objectUrl';
import { awsCliCommand, identifiersText, pandasSnippet, xcomPullSnippet } from '../copy/snippets';
import { objectOf, toS3Uri, type XComReference } from '../references';
import { DagRunNode } from './treeNodes/dagRunNode';
import { TaskInstanceNode } from './treeNodes/taskInstanceNode';
import { XComNode } from './treeNodes/xcomNode';

/** Registers the copy commands and Download Object; each copies exactly one text to the clipboard. */
export function registerCopyCommands(objectStores: ObjectStores, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const referenceOf = (node: unknown): { node: XComNode; reference: XComReference } | undefined => {
    const reference = node instanceof XComNode ? objectOf(node.insight.reference) : undefined;
    return reference ? { node: node as XComNode, reference } : undefined;
  };

  const copy = async (text: string, what: string): Promise<string> => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${what}`, 3000);
    return text;
  };

  const withReference = (what: string, build: (target: { node: XComNode; reference: XComReference }) => Promise<string> | string) =>
    async (node?: unknown): Promise<string | undefined> => {
      const target = referenceOf(node);
      if (!target) {
        void vscode.window.showWarningMessage(`Select an XCom that references offloaded data to copy its ${what}.`);
        return undefined;
      }
      try {
        return await copy(await build(target), what);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`Copy ${what} failed: ${message}`);
        void vscode.window.showErrorMessage(`Could not copy the ${what}: ${message}`);
        return undefined;
      }
    };

  const access = async (node: XComNode) => (await objectStores.settingsFor(node.connection)).settings;

  return [
    vscode.commands.registerCommand(Commands.copyReference, withReference('reference', ({ reference }) => reference.raw)),
    vscode.commands.registerCommand(Commands.copyS3Uri, withReference('S3 URI', ({ reference }) => toS3Uri(reference))),
    vscode.commands.registerCommand(Commands.copyHttpsUrl, withReference('HTTPS URL', async ({ node, reference }) => objectUrl(reference, await access(node)))),
    vscode.commands.registerCommand(Commands.copyPresignedUrl, withReference('presigned URL', async ({ node, reference }) => {
      const store = await objectStores.storeFor(node.connection);
      return store.presignGet({ bucket: reference.bucket, key: reference.key }, readSettings().presignExpiryMinutes * 60);
    })),
    vscode.commands.registerCommand(Commands.copyPandasSnippet, withReference('pandas snippet', async ({ node, reference }) =>
      pandasSnippet({ bucket: reference.bucket, key: reference.key, format: reference.formatHint, compression: reference.compression }, await access(node)))),
    vscode.commands.registerCommand(Commands.copyAwsCliCommand, withReference('aws s3 cp command', async ({ node, reference }) => awsCliCommand(reference, await access(node)))),

    vscode.commands.registerCommand(Commands.copyXComPullSnippet, async (node?: unknown) => {
      if (!(node instanceof XComNode)) return undefined;
      return copy(xcomPullSnippet(node.xcom), 'xcom_pull snippet');
    }),

    vscode.commands.registerCommand(Commands.copyIdentifiers, async (node?: unknown) => {
      if (node instanceof XComNode) return copy(identifiersText(node.xcom), 'identifiers');
      if (node instanceof TaskInstanceNode) return copy(identifiersText(node.ti), 'identifiers');
      if (node instanceof DagRunNode) return copy(identifiersText(node.run), 'identifiers');
      return undefined;
    }),

    vscode.commands.registerCommand(Commands.downloadObject, async (node?: unknown, folderArg?: vscode.Uri) => {
      const target = referenceOf(node);
      if (!target) return undefined;
      const folder = folderArg ?? (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Download Here' }))?.[0];
      if (!folder) return undefined;
      const destination = downloadTarget(folder.fsPath, target.reference.key);
      try {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Downloading ${toS3Uri(target.reference)}`, cancellable: true },
          async (progress, token) => {
            const aborter = new AbortController();
            token.onCancellationRequested(() => aborter.abort());
            const store = await objectStores.storeFor(target.node.connection);
            const partial = `${destination}.part`;
            const file = fs.createWriteStream(partial);
            let reported = 0;
            try {
              for await (const chunk of store.read({ bucket: target.reference.bucket, key: target.reference.key }, {
                signal: aborter.signal,
                onProgress: (read: number, total: number) => {
                  const pct = total ? (read / total) * 100 : 0;
                  progress.report({ increment: pct - reported, message: `${(read / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB` });
                  reported = pct;
                },
              })) {
                if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
              }
              await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
              await fs.promises.rename(partial, destination);
            } catch (error) {
              file.destroy();
              await fs.promises.rm(partial, { force: true });
              throw error;
            }
          },
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`Download failed: ${message}`);
        return undefined;
      }
      const open = 'Open';
      void vscode.window.showInformationMessage(`Saved ${destination}`, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(destination));
      });
      return destination;
    }),
  ];
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../formatBytes';
import { Commands } from '../constants';
import { readSettings } from '../config';
import type { ObjectStores } from '../connections/objectStores';
import { downloadTarget, keepBothTarget } from '../copy/downloadPath';
import { fileErrorMessage, saveChunks } from '../copy/fileSaver';
import { errorMessage, isCancellation } from '../errors';
import { objectUrl } from '../storage/objectUrl';
import { awsCliCommand, identifiersText, pandasSnippet, xcomPullSnippet } from '../copy/snippets';
import { objectOf, toS3Uri, type XComReference } from '../references';
import { DagRunNode } from './treeNodes/dagRunNode';
import { TaskInstanceNode } from './treeNodes/taskInstanceNode';
import { XComNode } from './treeNodes/xcomNode';

/** What to do when the download folder already holds a file of that name (also a script's third argument). */
type ExistingFileChoice = 'replace' | 'keepBoth' | 'cancel';

/** Asks whether to replace a file that exists; undefined (dismissed) means Cancel. */
async function askExisting(destination: string): Promise<ExistingFileChoice | undefined> {
  const choices: Record<string, ExistingFileChoice> = { Replace: 'replace', 'Keep Both': 'keepBoth', Cancel: 'cancel' };
  const question = `${path.basename(destination)} already exists in ${path.dirname(destination)}.`;
  const picked = await vscode.window.showWarningMessage(question, ...Object.keys(choices));
  return picked ? choices[picked] : undefined;
}

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

  const withReference =
    (what: string, build: (target: { node: XComNode; reference: XComReference }) => Promise<string> | string) =>
    async (node?: unknown): Promise<string | undefined> => {
      const target = referenceOf(node);
      if (!target) {
        void vscode.window.showWarningMessage(`Select an XCom that references offloaded data to copy its ${what}.`);
        return undefined;
      }
      try {
        return await copy(await build(target), what);
      } catch (error) {
        const message = errorMessage(error);
        log.warn(`Copy ${what} failed: ${message}`);
        void vscode.window.showErrorMessage(`Could not copy the ${what}: ${message}`);
        return undefined;
      }
    };

  const access = async (node: XComNode) => (await objectStores.settingsFor(node.connection)).settings;

  return [
    vscode.commands.registerCommand(
      Commands.copyReference,
      withReference('reference', ({ reference }) => reference.raw),
    ),
    vscode.commands.registerCommand(
      Commands.copyS3Uri,
      withReference('S3 URI', ({ reference }) => toS3Uri(reference)),
    ),
    vscode.commands.registerCommand(
      Commands.copyHttpsUrl,
      withReference('HTTPS URL', async ({ node, reference }) => objectUrl(reference, await access(node))),
    ),
    vscode.commands.registerCommand(
      Commands.copyPresignedUrl,
      withReference('presigned URL', async ({ node, reference }) => {
        const store = await objectStores.storeFor(node.connection);
        return store.presignGet(
          { bucket: reference.bucket, key: reference.key },
          readSettings().presignExpiryMinutes * 60,
        );
      }),
    ),
    vscode.commands.registerCommand(
      Commands.copyPandasSnippet,
      withReference('pandas snippet', async ({ node, reference }) =>
        pandasSnippet(
          {
            bucket: reference.bucket,
            key: reference.key,
            format: reference.formatHint,
            compression: reference.compression,
          },
          await access(node),
        ),
      ),
    ),
    vscode.commands.registerCommand(
      Commands.copyAwsCliCommand,
      withReference('aws s3 cp command', async ({ node, reference }) => awsCliCommand(reference, await access(node))),
    ),

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

    vscode.commands.registerCommand(
      Commands.downloadObject,
      async (node?: unknown, folderArg?: vscode.Uri, onExisting?: ExistingFileChoice) => {
        const target = referenceOf(node);
        if (!target) return undefined;
        const folder =
          folderArg ??
          (
            await vscode.window.showOpenDialog({
              canSelectFiles: false,
              canSelectFolders: true,
              canSelectMany: false,
              openLabel: 'Download Here',
            })
          )?.[0];
        if (!folder) return undefined;
        let destination = downloadTarget(folder.fsPath, target.reference.key);
        if (fs.existsSync(destination)) {
          const choice = onExisting ?? (await askExisting(destination));
          if (choice !== 'replace' && choice !== 'keepBoth') return undefined;
          if (choice === 'keepBoth') destination = keepBothTarget(destination, fs.existsSync);
        }
        const uri = toS3Uri(target.reference);
        try {
          await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Downloading ${uri}`, cancellable: true },
            async (progress, token) => {
              const aborter = new AbortController();
              const cancelling = token.onCancellationRequested(() => aborter.abort());
              try {
                const store = await objectStores.storeFor(target.node.connection);
                let reported = 0;
                await saveChunks(
                  destination,
                  store.read(
                    { bucket: target.reference.bucket, key: target.reference.key },
                    {
                      signal: aborter.signal,
                      onProgress: (read: number, total: number) => {
                        const pct = total ? (read / total) * 100 : 0;
                        const message = `${formatBytes(read)} of ${formatBytes(total)}`;
                        progress.report({ increment: pct - reported, message });
                        reported = pct;
                      },
                    },
                  ),
                );
              } finally {
                cancelling.dispose();
              }
            },
          );
        } catch (error) {
          if (isCancellation(error)) {
            vscode.window.setStatusBarMessage(`Download of ${uri} cancelled`, 3000);
            return undefined;
          }
          const message = fileErrorMessage(error, path.dirname(destination)) ?? errorMessage(error);
          log.warn(`Download of ${uri} failed: ${message}`);
          void vscode.window.showErrorMessage(`Download failed: ${message}`);
          return undefined;
        }
        const open = 'Open';
        void vscode.window.showInformationMessage(`Saved ${destination}`, open).then((choice) => {
          if (choice === open) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(destination));
        });
        return destination;
      },
    ),
  ];
}

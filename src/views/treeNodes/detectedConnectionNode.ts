import * as vscode from 'vscode';
import type { DetectedConnection } from '../../connections/detectedConnection';
import { Commands } from '../../constants';
import { isRestUrl } from '../../airflow/rest/baseUrl';
import { visibleText } from '../formatting';
import { ConnectionNode } from './connectionNode';
import type { TreeContext } from './treeNode';

/** The connection Airflow's own configuration names, shown unsaved, with Save and Dismiss. */
export class DetectedConnectionNode extends ConnectionNode {
  constructor(
    context: TreeContext,
    /** What was detected, and where. */
    readonly detected: DetectedConnection,
  ) {
    super(context, detected.connection);
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.contextValue = 'detectedConnection';
    item.description = `detected · ${String(item.description ?? '')}`;
    const stateColor = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.color : undefined;
    item.iconPath = new vscode.ThemeIcon('search', stateColor);
    const tooltip = new vscode.MarkdownString();
    tooltip
      .appendMarkdown('**Detected** from ')
      .appendText(visibleText(this.detected.origin))
      .appendMarkdown(
        ', not saved. *Save* keeps it in your user settings (a password in it goes to SecretStorage); ' +
          "*Dismiss* hides it in this workspace until you run *Detect Airflow's Connection*.\n\n",
      );
    if (this.detected.alsoFound.length > 0) {
      tooltip.appendText(visibleText(`Airflow's configuration also names ${this.detected.alsoFound.join('; ')}.`));
      if (!isRestUrl(this.detected.url) && this.detected.alsoFound.some((f) => isRestUrl(f)))
        tooltip.appendMarkdown(' The metadata DB is shown rather than the API server: it needs no login.');
      tooltip.appendMarkdown(" *Detect Airflow's Connection* adds another.\n\n");
    }
    const own = item.tooltip;
    if (own instanceof vscode.MarkdownString) tooltip.appendMarkdown(own.value);
    item.tooltip = tooltip;
    item.command = undefined;
    return item;
  }

  protected override errorAction(): vscode.Command {
    return { command: Commands.showLog, title: 'Show Log' };
  }
}

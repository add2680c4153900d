import * as os from 'node:os';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { redactUrl } from '../airflow/connectionUrl';
import { discoverAirflowConnections, discoveryFiles, type DiscoveredConnection } from '../airflow/discovery';
import { errorMessage } from '../errors';
import { PREFIX } from '../constants';
import type { ConnectionStore } from './connectionStore';
import { detectedFrom, type AirflowConfiguration, type FoundUrl } from './detectedConnection';
import { trustedWorkspaceFolders } from './pickConnection';

/** Where discovery looks: the environment, the home folder, and the workspace folders only when trusted. */
function discoveryOptions(): { env: NodeJS.ProcessEnv; homeDir: string; workspaceFolders: string[] } {
  return { env: process.env, homeDir: os.homedir(), workspaceFolders: trustedWorkspaceFolders() };
}

/** Reads Airflow's configuration from the environment, AIRFLOW_HOME and (trusted workspaces only) workspace folders. */
export async function readAirflowConfiguration(log: vscode.LogOutputChannel): Promise<AirflowConfiguration> {
  try {
    const found = await discoverAirflowConnections(discoveryOptions());
    const urls = (list: DiscoveredConnection[]): FoundUrl[] =>
      list.filter((c) => c.url && !c.needsCommand).map((c) => ({ url: c.url as string, origin: c.origin }));
    return {
      databases: urls(found.candidates),
      apiServers: urls(found.apiServers),
      commands: found.candidates.filter((c) => c.needsCommand).map((c) => c.origin),
      problems: found.candidates.filter((c) => c.problem).map((c) => `${c.origin}, ${c.problem}`),
    };
  } catch (error) {
    log.warn(`Could not look for Airflow's own connection: ${errorMessage(error)}`);
    return { databases: [], apiServers: [], commands: [], problems: [] };
  }
}

const DISMISSED_KEY = `${PREFIX}.dismissedDetections`;

/** Waits this long after a file change before reading Airflow's configuration again (an editor saves in steps). */
const SETTLE_MS = 500;

/**
 * Runs detection off the activation path, on Refresh, on Detect and when an airflow.cfg (or the default airflow.db)
 * appears or changes, and keeps the store's detected connections.
 */
export class ConnectionDetector implements vscode.Disposable {
  private latest: Promise<void>;
  private readonly subscription: vscode.Disposable;
  private watchers: vscode.Disposable[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  /** The URL last reported in the log, so a Refresh does not repeat it. */
  private reported: string | undefined;

  constructor(
    private readonly store: ConnectionStore,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Not awaited: activation goes on; the tree waits for the first result before it draws its roots.
    this.latest = this.detect();
    this.subscription = vscode.Disposable.from(
      store.onDidChange((change) => {
        if (change.id !== undefined) return;
        this.watch();
        void this.redetect();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.watch();
        void this.redetect();
      }),
    );
    this.watch();
  }

  /** Watches the files discovery reads, to detect again when one appears, changes or goes. */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = discoveryFiles(discoveryOptions()).map((file) => {
      // The default DB counts when it appears or goes, not on each of Airflow's writes to it.
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(dirname(file)), basename(file)),
        false,
        file.endsWith('.db'),
        false,
      );
      const changed = () => {
        clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => void this.redetect(), SETTLE_MS);
      };
      return vscode.Disposable.from(
        watcher,
        watcher.onDidCreate(changed),
        watcher.onDidChange(changed),
        watcher.onDidDelete(changed),
      );
    });
  }

  /** Settles once the latest detection has reached the store. */
  get settled(): Promise<void> {
    return this.latest;
  }

  /** Detects again (Refresh, or Detect after it forgot the dismissals). */
  redetect(): Promise<void> {
    this.latest = this.latest.then(() => this.detect());
    return this.latest;
  }

  /** Hides a detected connection in this workspace until Detect runs again. */
  async dismiss(id: string): Promise<void> {
    const dismissed = new Set(this.dismissed());
    dismissed.add(id);
    await this.workspaceState.update(DISMISSED_KEY, [...dismissed]);
    await this.redetect();
  }

  /** Shows dismissed connections again (Detect Airflow's Connection). */
  async forgetDismissals(): Promise<void> {
    await this.workspaceState.update(DISMISSED_KEY, undefined);
    await this.redetect();
  }

  private dismissed(): string[] {
    const value = this.workspaceState.get<unknown>(DISMISSED_KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  private async detect(): Promise<void> {
    try {
      const found = detectedFrom(await readAirflowConfiguration(this.log));
      const shown = found && !this.dismissed().includes(found.connection.id) ? [found] : [];
      const report = found && `Airflow's configuration names ${redactUrl(found.url)} (${found.origin})`;
      if (report && report !== this.reported) this.log.info(report);
      this.reported = report;
      this.store.setDetected(shown);
    } catch (error) {
      this.log.warn(`Could not show Airflow's own connection: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.settleTimer);
    for (const w of this.watchers) w.dispose();
    this.subscription.dispose();
  }
}

import * as os from 'node:os';
import * as vscode from 'vscode';
import { redactUrl } from '../airflow/connectionUrl';
import { discoverAirflowConnections, type DiscoveredConnection } from '../airflow/discovery';
import { errorMessage } from '../errors';
import { PREFIX } from '../constants';
import type { ConnectionStore } from './connectionStore';
import { detectedFrom, type AirflowConfiguration, type FoundUrl } from './detectedConnection';
import { trustedWorkspaceFolders } from './pickConnection';

/** Reads Airflow's configuration from the environment, AIRFLOW_HOME and (trusted workspaces only) workspace folders. */
export async function readAirflowConfiguration(log: vscode.LogOutputChannel): Promise<AirflowConfiguration> {
  try {
    const found = await discoverAirflowConnections({
      env: process.env,
      homeDir: os.homedir(),
      workspaceFolders: trustedWorkspaceFolders(),
    });
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

/** Runs detection off the activation path, on Refresh and on Detect, and keeps the store's detected connections. */
export class ConnectionDetector implements vscode.Disposable {
  private latest: Promise<void>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: ConnectionStore,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Not awaited: activation goes on; the tree waits for the first result before it draws its roots.
    this.latest = this.detect();
    this.subscription = store.onDidChange((change) => {
      if (change.id === undefined) void this.redetect();
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
      if (found) this.log.info(`Airflow's configuration names ${redactUrl(found.url)} (${found.origin})`);
      this.store.setDetected(shown);
    } catch (error) {
      this.log.warn(`Could not show Airflow's own connection: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

import * as os from 'node:os';
import * as vscode from 'vscode';
import { readSettings, type ConnectionConfig } from '../config';
import { readAirflowBackendConfig, type AirflowBackendConfig } from '../airflow/discovery';
import { errorMessage } from '../errors';
import { buildRules, type ReferenceConfig, type ReferenceRule } from '../references';
import type { ConnectionChange } from './connectionStore';
import { trustedWorkspaceFolders } from './pickConnection';

/**
 * The reference rules in force for a connection: settings first (preset, prefix, custom rules), then what
 * Airflow's own configuration says (xcom_backend, xcom_objectstorage_path, the bucket environment variables).
 */
export class ReferenceRulesProvider implements vscode.Disposable {
  private backend: AirflowBackendConfig | undefined;
  private readonly cache = new Map<string, ReferenceRule[]>();
  private readonly subscriptions: vscode.Disposable;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    connectionChanges: vscode.Event<ConnectionChange>,
  ) {
    this.subscriptions = vscode.Disposable.from(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('xcomLens')) this.reload();
      }),
      // Refresh and every connection change read the rules and Airflow's configuration anew.
      connectionChanges(() => this.reload()),
    );
  }

  /** The rules for one connection (its storage bucket fills references that carry none). */
  rulesFor(connection: ConnectionConfig | undefined): ReferenceRule[] {
    const cacheKey = `${connection?.id ?? ''}\u0000${connection?.storage?.bucket ?? ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const rules = buildRules(this.configFor(connection));
    this.cache.set(cacheKey, rules);
    return rules;
  }

  /** What the rules for one connection are built from, as plain data (the preview webview builds the same rules). */
  configFor(connection: ConnectionConfig | undefined): ReferenceConfig {
    const settings = readSettings();
    const backend = this.backendConfig();
    return {
      preset: settings.referencePreset,
      prefix: settings.referencePrefix,
      ...(connection?.storage?.bucket ? { bucket: connection.storage.bucket } : {}),
      ...(backend.astronomerBucket ? { astronomerBucket: backend.astronomerBucket } : {}),
      ...(backend.providersBucket ? { providersBucket: backend.providersBucket } : {}),
      ...(backend.providersPrefix ? { providersPrefix: backend.providersPrefix } : {}),
      objectStoragePath: settings.objectStoragePath || backend.objectStoragePath,
      xcomBackend: backend.xcomBackend,
      customRules: settings.customReferenceRules,
    };
  }

  /** Forgets the rules and Airflow's configuration (settings changed, or Refresh). */
  private reload(): void {
    this.cache.clear();
    this.backend = undefined;
  }

  private backendConfig(): AirflowBackendConfig {
    if (!this.backend) {
      try {
        this.backend = readAirflowBackendConfig({
          env: process.env,
          homeDir: os.homedir(),
          workspaceFolders: trustedWorkspaceFolders(),
        });
      } catch (error) {
        this.log.warn(`Could not read Airflow's XCom backend configuration: ${errorMessage(error)}`);
        this.backend = {};
      }
    }
    return this.backend;
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import type { StorageSettings } from '../storage/storageSettings';
import { Commands } from '../constants';
import { errorMessage } from '../errors';
import { parseConnectionUrl, redactUrl, withoutPassword, passwordOf } from '../airflow/connectionUrl';
import { isComposerUrl, isRestUrl, parseRestBaseUrl, restUserOf } from '../airflow/rest/baseUrl';
import { isMwaaUrl, mwaaUrl, mwaaWebServerRegion, parseMwaaUrl } from '../airflow/rest/mwaaUrl';
import type { AirflowInfo } from '../airflow/types';
import { newConnectionId, type ConnectionStore } from './connectionStore';
import type { DetectedConnection } from './detectedConnection';
import { pickConnection } from './pickConnection';
import { defaultConnectionName as defaultName } from './connectionName';
import { readAirflowConfiguration, type ConnectionDetector } from './connectionDetector';

/** Arguments that let a keybinding, a script or a test add a connection without prompts. */
export interface AddConnectionArgs {
  /** Label. */
  name?: string;
  /**
   * SQLAlchemy URL, an Airflow UI address (https://…), or an MWAA environment (mwaa://<name>?region=<region>);
   * a password in it goes to SecretStorage.
   */
  url: string;
  /** `google`: an https:// connection authenticates with Google Application Default Credentials. */
  restAuth?: 'google';
  /** Password, if not in the URL. */
  password?: string;
  /** PostgreSQL schema. */
  schema?: string;
  /** S3 access. */
  storage?: StorageSettings;
  /** Static S3 credentials (kept in SecretStorage). */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Services the connection commands need. */
export interface ConnectionCommandDeps {
  store: ConnectionStore;
  /** Connects to a connection that is not saved yet (for Test Connection before saving). */
  probe: (connection: ConnectionConfig, password: string | undefined, signal: AbortSignal) => Promise<AirflowInfo>;
  /** Shows the connection Airflow's own configuration names, unsaved, in the tree. */
  detector: ConnectionDetector;
  log: vscode.LogOutputChannel;
}

/** Registers add, edit, remove, test and detect connection, Save and Dismiss of a detected one, and Configure S3 Access. */
export function registerConnectionCommands(deps: ConnectionCommandDeps): vscode.Disposable[] {
  const { store, log, detector } = deps;

  const testAndReport = async (
    connection: ConnectionConfig,
    password: string | undefined,
    quiet = false,
  ): Promise<AirflowInfo | undefined> => {
    try {
      const info = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Connecting to ${connection.name}…`,
          cancellable: true,
        },
        (_progress, token) => {
          const aborter = new AbortController();
          token.onCancellationRequested(() => aborter.abort());
          return deps.probe(connection, password, aborter.signal);
        },
      );
      log.info(
        `Connected to ${connection.name} (${redactUrl(connection.url)}): Airflow ${info.airflowVersion}, ${info.serverVersion}`,
      );
      if (!quiet)
        void vscode.window.showInformationMessage(
          `Connected to "${connection.name}": Airflow ${info.airflowVersion} on ${info.serverVersion}.`,
        );
      return info;
    } catch (error) {
      const message = errorMessage(error);
      log.warn(`Connection test of ${connection.name} failed: ${message}`);
      if (!quiet) void vscode.window.showErrorMessage(`Could not connect to "${connection.name}": ${message}`);
      return undefined;
    }
  };

  const saveFromArgs = async (args: AddConnectionArgs, existing?: ConnectionConfig): Promise<ConnectionConfig> => {
    checkUrl(args.url); // throws a message that says what is wrong with the URL
    const region = mwaaWebServerRegion(args.url);
    if (region)
      throw new Error(
        `${args.url} is the web server of an Amazon MWAA environment: add it as mwaa://<environment-name>?region=${region} (XCom Lens calls the MWAA API's InvokeRestApi, so the web server need not be reachable).`,
      );
    const restAuth = args.restAuth ?? existing?.restAuth;
    const connection: ConnectionConfig = {
      id: existing?.id ?? newConnectionId(),
      name: args.name?.trim() || existing?.name || defaultName(args.url),
      url: withoutPassword(args.url),
      ...((args.schema ?? existing?.schema) ? { schema: args.schema ?? existing?.schema } : {}),
      ...((args.storage ?? existing?.storage) ? { storage: args.storage ?? existing?.storage } : {}),
      ...(restAuth && isRestUrl(args.url) ? { restAuth } : {}),
    };
    const password = args.password ?? passwordOf(args.url);
    await store.save(connection, password);
    if (args.s3Credentials) await store.setS3Credentials(connection.id, args.s3Credentials);
    log.info(`Saved connection ${connection.name} (${redactUrl(connection.url)})`);
    return connection;
  };

  const promptForUrl = async (title: string, value?: string): Promise<string | undefined> =>
    vscode.window.showInputBox({
      title,
      prompt:
        'SQLAlchemy URL as in airflow.cfg (postgresql://airflow@localhost:5432/airflow, sqlite:////home/me/airflow/airflow.db), the Airflow UI address https://user@airflow.example.com, or an MWAA environment mwaa://MyEnvironment?region=eu-west-1',
      value,
      ignoreFocusOut: true,
      validateInput: (text) => {
        try {
          checkUrl(text.trim());
          return undefined;
        } catch (error) {
          return errorMessage(error);
        }
      },
    });

  const promptForPassword = async (url: string): Promise<string | undefined> => {
    // MWAA signs with AWS credentials and Composer uses Google's: neither has a secret of its own to store.
    if (isMwaaUrl(url) || (isRestUrl(url) && !restUserOf(url) && isComposerUrl(url))) return '';
    if (isRestUrl(url)) {
      const user = restUserOf(url);
      return vscode.window.showInputBox({
        title: user ? `Password for ${user}` : 'API token (bearer), e.g. an Astronomer deployment token',
        prompt: "Kept in VS Code's secret storage, never in settings. Leave empty if none is needed.",
        password: true,
        ignoreFocusOut: true,
      });
    }
    const parsed = parseConnectionUrl(url);
    if (parsed.dialect === 'sqlite' || passwordOf(url)) return passwordOf(url);
    return vscode.window.showInputBox({
      title: `Password for ${parsed.user ?? 'the database user'}`,
      prompt: "Kept in VS Code's secret storage, never in settings. Leave empty if none is needed.",
      password: true,
      ignoreFocusOut: true,
    });
  };

  /**
   * For an https:// API server without a user in the URL (and not a Composer web server, which always uses Google's
   * credentials): a token, Google Application Default Credentials, or nothing. `null` when the user cancels.
   */
  const promptForRestAuth = async (url: string): Promise<'google' | undefined | null> => {
    if (!isRestUrl(url) || restUserOf(url) || isComposerUrl(url)) return undefined;
    type AuthPick = vscode.QuickPickItem & { auth: 'token' | 'google' };
    const pick = await vscode.window.showQuickPick<AuthPick>(
      [
        {
          label: 'API token or no credentials',
          description: 'a bearer token, e.g. an Astronomer deployment token',
          auth: 'token',
        },
        {
          label: 'Google Application Default Credentials',
          description: 'gcloud, a service-account key file, or the metadata server',
          auth: 'google',
        },
      ],
      { title: 'How does XCom Lens sign in to this API server?', ignoreFocusOut: true },
    );
    if (!pick) return null;
    return pick.auth === 'google' ? 'google' : undefined;
  };

  /** Asks for an MWAA environment's name, region and AWS profile; returns its mwaa:// URL. */
  const promptForMwaa = async (region?: string): Promise<string | undefined> => {
    const name = await vscode.window.showInputBox({
      title: 'Amazon MWAA (1/3): environment name',
      prompt:
        'As in the MWAA console, e.g. MyAirflowEnvironment. Needs airflow:InvokeRestApi and airflow:GetEnvironment.',
      ignoreFocusOut: true,
      validateInput: (text) => {
        try {
          parseMwaaUrl(mwaaUrl({ name: text.trim() }));
          return undefined;
        } catch (error) {
          return errorMessage(error);
        }
      },
    });
    if (!name?.trim()) return undefined;
    const pickedRegion = await vscode.window.showInputBox({
      title: 'Amazon MWAA (2/3): region',
      prompt: 'e.g. eu-west-1. Empty: from the profile or AWS_REGION.',
      value: region ?? '',
      ignoreFocusOut: true,
    });
    if (pickedRegion === undefined) return undefined;
    const profile = await vscode.window.showInputBox({
      title: 'Amazon MWAA (3/3): AWS profile',
      prompt: 'Named profile from ~/.aws/config (SSO works). Empty: the default credential chain.',
      ignoreFocusOut: true,
    });
    if (profile === undefined) return undefined;
    const url = mwaaUrl({
      name: name.trim(),
      ...(pickedRegion.trim() ? { region: pickedRegion.trim() } : {}),
      ...(profile.trim() ? { profile: profile.trim() } : {}),
    });
    parseMwaaUrl(url);
    return url;
  };

  const interactiveAdd = async (): Promise<void> => {
    const detected = await discover();
    type Pick = vscode.QuickPickItem & { action: 'url' | 'file' | 'detected' | 'mwaa'; url?: string };
    const picks: Pick[] = [
      ...detected.map((d): Pick => ({
        label: `$(search) ${redactUrl(d.url)}`,
        description: d.origin,
        action: 'detected',
        url: d.url,
      })),
      { label: '$(link) Enter a database URL…', action: 'url' },
      { label: '$(file) Choose an SQLite airflow.db file…', action: 'file' },
      {
        label: '$(cloud) Amazon MWAA environment…',
        description: 'through the AWS API (InvokeRestApi)',
        action: 'mwaa',
      },
    ];
    const pick = await vscode.window.showQuickPick(picks, {
      title: 'Add Airflow Connection',
      placeHolder: 'Connect XCom Lens to an Airflow metadata database',
    });
    if (!pick) return;
    let url: string | undefined;
    if (pick.action === 'detected') url = pick.url;
    else if (pick.action === 'mwaa') url = await promptForMwaa();
    else if (pick.action === 'file') {
      const files = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] },
        title: 'Airflow metadata DB',
      });
      if (!files?.[0]) return;
      url = `sqlite:///${files[0].fsPath}`;
    } else url = (await promptForUrl('Airflow metadata DB URL'))?.trim();
    const webServerRegion = url ? mwaaWebServerRegion(url) : undefined;
    if (webServerRegion) url = await promptForMwaa(webServerRegion);
    if (!url) return;
    const restAuth = await promptForRestAuth(url);
    if (restAuth === null) return;
    const password = restAuth === 'google' ? '' : await promptForPassword(url);
    if (password === undefined && (isRestUrl(url) || parseConnectionUrl(url).dialect !== 'sqlite') && !passwordOf(url))
      return;
    const name = await vscode.window.showInputBox({
      title: 'Connection name',
      value: defaultName(url),
      ignoreFocusOut: true,
    });
    if (name === undefined) return;
    const draft: ConnectionConfig = {
      id: newConnectionId(),
      name: name || defaultName(url),
      url: withoutPassword(url),
      ...(restAuth ? { restAuth } : {}),
    };
    const info = await testAndReport(draft, password || undefined, true);
    if (!info) {
      const state = 'Save Anyway';
      const choice = await vscode.window.showWarningMessage(
        `Could not connect to "${draft.name}". Save it anyway?`,
        { modal: true, detail: 'See the XCom Lens log for the reason.' },
        state,
      );
      if (choice !== state) return;
    }
    await saveFromArgs({ url, name: draft.name, password: password || undefined, ...(restAuth ? { restAuth } : {}) });
    await vscode.commands.executeCommand('workbench.view.extension.xcomLens');
  };

  const discover = async () => {
    const found = await readAirflowConfiguration(log);
    return Object.assign([...found.databases, ...found.apiServers], {
      commands: found.commands,
      problems: found.problems,
    });
  };

  return [
    vscode.commands.registerCommand(Commands.addConnection, async (args?: AddConnectionArgs) => {
      if (args && typeof args === 'object' && typeof args.url === 'string') return (await saveFromArgs(args)).id;
      await interactiveAdd();
      return undefined;
    }),

    vscode.commands.registerCommand(Commands.detectConnection, async () => {
      await detector.forgetDismissals();
      const detected = await discover();
      if (detected.length === 0) {
        const add = 'Add Connection…';
        const message =
          detected.commands.length > 0
            ? `Airflow's connection comes from a command or secrets backend (${detected.commands.join(', ')}): ` +
              'XCom Lens never runs these. Add the connection with its URL instead.'
            : detected.problems.length > 0
              ? `Found an airflow.cfg that Airflow itself could not read, so XCom Lens does not use it: ${detected.problems.join('; ')}. ` +
                'Fix that line, or add the connection with its URL.'
              : 'No Airflow configuration found: no AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, ' +
                'no airflow.cfg in $AIRFLOW_HOME, ~/airflow or the workspace.';
        const choice = await vscode.window.showInformationMessage(message, add);
        if (choice === add) await interactiveAdd();
        return;
      }
      const pick =
        detected.length === 1
          ? detected[0]
          : (
              await vscode.window.showQuickPick(
                detected.map((d) => ({ label: redactUrl(d.url), description: d.origin, d })),
                { title: 'Airflow connections found' },
              )
            )?.d;
      if (!pick) return;
      const existing = store.list().find((c) => c.url === withoutPassword(pick.url));
      if (existing) {
        void vscode.window.showInformationMessage(`"${existing.name}" already uses this database.`);
        return;
      }
      await saveFromArgs({ url: pick.url, name: defaultName(pick.url) });
    }),

    vscode.commands.registerCommand(Commands.saveDetectedConnection, async (arg?: unknown) => {
      const detected = detectedOf(store, arg);
      if (!detected) return undefined;
      const saved = await saveFromArgs({ url: detected.url, name: detected.connection.name });
      return saved.id;
    }),

    vscode.commands.registerCommand(Commands.dismissDetectedConnection, async (arg?: unknown) => {
      const detected = detectedOf(store, arg);
      if (detected) await detector.dismiss(detected.connection.id);
    }),

    vscode.commands.registerCommand(
      Commands.editConnection,
      async (arg?: unknown, args?: Partial<AddConnectionArgs>) => {
        const connection = await pickConnection(store, arg);
        if (!connection) return;
        if (args && typeof args.url === 'string') {
          await saveFromArgs({ ...args, url: args.url }, connection);
          return;
        }
        const url = (await promptForUrl(`Edit ${connection.name}`, connection.url))?.trim();
        if (!url) return;
        const changePassword =
          !isMwaaUrl(url) && (isRestUrl(url) || parseConnectionUrl(url).dialect !== 'sqlite') && !passwordOf(url)
            ? await vscode.window.showQuickPick(['Keep the stored password', 'Enter a new password'], {
                title: 'Password',
              })
            : 'Keep the stored password';
        if (!changePassword) return;
        const password = changePassword === 'Enter a new password' ? await promptForPassword(url) : passwordOf(url);
        const name = await vscode.window.showInputBox({
          title: 'Connection name',
          value: connection.name,
          ignoreFocusOut: true,
        });
        if (name === undefined) return;
        const saved = await saveFromArgs({ url, name, password }, connection);
        await testAndReport(saved, password ?? (await store.getPassword(saved)));
      },
    ),

    vscode.commands.registerCommand(Commands.removeConnection, async (arg?: unknown, confirmed?: boolean) => {
      const connection = await pickConnection(store, arg);
      if (!connection) return;
      if (confirmed !== true) {
        const remove = 'Remove';
        const choice = await vscode.window.showWarningMessage(
          `Remove the connection "${connection.name}" and its stored password?`,
          { modal: true },
          remove,
        );
        if (choice !== remove) return;
      }
      await store.remove(connection.id);
    }),

    vscode.commands.registerCommand(Commands.testConnection, async (arg?: unknown) => {
      const connection = await pickConnection(store, arg);
      if (!connection) return undefined;
      const info = await testAndReport(connection, await store.getPassword(connection));
      store.reconnect(connection.id);
      return info;
    }),

    vscode.commands.registerCommand(Commands.configureStorage, async (arg?: unknown, storageArg?: StorageSettings) => {
      const connection = await pickConnection(store, arg);
      if (!connection) return;
      if (storageArg) {
        await store.save({ ...connection, storage: storageArg });
        return;
      }
      await configureStorageInteractively(store, connection);
    }),
  ];
}

async function configureStorageInteractively(store: ConnectionStore, connection: ConnectionConfig): Promise<void> {
  const current = connection.storage ?? {};
  const profile = await vscode.window.showInputBox({
    title: 'S3 access (1/4): AWS profile',
    prompt: 'Named profile from ~/.aws/config (SSO works). Empty: the default credential chain.',
    value: current.profile ?? '',
    ignoreFocusOut: true,
  });
  if (profile === undefined) return;
  const region = await vscode.window.showInputBox({
    title: 'S3 access (2/4): region',
    prompt: 'e.g. eu-west-1. Empty: from the profile or environment.',
    value: current.region ?? '',
    ignoreFocusOut: true,
  });
  if (region === undefined) return;
  const endpointUrl = await vscode.window.showInputBox({
    title: 'S3 access (3/4): endpoint URL',
    prompt: 'Only for S3-compatible servers (MinIO, LocalStack, Ceph), e.g. http://localhost:9000.',
    value: current.endpointUrl ?? '',
    ignoreFocusOut: true,
  });
  if (endpointUrl === undefined) return;
  const bucket = await vscode.window.showInputBox({
    title: 'S3 access (4/4): default bucket',
    prompt: 'For references without a bucket (Astronomer, astronomer-providers). Empty if not needed.',
    value: current.bucket ?? '',
    ignoreFocusOut: true,
  });
  if (bucket === undefined) return;
  const storage: StorageSettings = {
    ...(profile ? { profile } : {}),
    ...(region ? { region } : {}),
    ...(endpointUrl ? { endpointUrl, forcePathStyle: current.forcePathStyle ?? true } : {}),
    ...(bucket ? { bucket } : {}),
  };
  await store.save({ ...connection, storage });
  if (endpointUrl && !profile) {
    const keys = 'Enter Access Keys…';
    const choice = await vscode.window.showInformationMessage(
      'Does this S3-compatible server need static access keys?',
      keys,
      'No',
    );
    if (choice === keys) {
      const accessKeyId = await vscode.window.showInputBox({ title: 'Access key id', ignoreFocusOut: true });
      const secretAccessKey = accessKeyId
        ? await vscode.window.showInputBox({ title: 'Secret access key', password: true, ignoreFocusOut: true })
        : undefined;
      if (accessKeyId && secretAccessKey) await store.setS3Credentials(connection.id, { accessKeyId, secretAccessKey });
    }
  }
}

/** The detected connection a command acts on: the tree node's, the one with the id given, or the only one shown. */
function detectedOf(store: ConnectionStore, arg: unknown): DetectedConnection | undefined {
  const id = typeof arg === 'string' ? arg : (arg as { connection?: { id?: unknown } } | undefined)?.connection?.id;
  const shown = store.detected();
  return typeof id === 'string' ? shown.find((d) => d.connection.id === id) : shown.length === 1 ? shown[0] : undefined;
}

/** Checks a connection URL (an http(s) Airflow API address or a SQLAlchemy URL); throws a message that says what is wrong. */
function checkUrl(url: string): void {
  if (isMwaaUrl(url)) parseMwaaUrl(url);
  else if (isRestUrl(url)) parseRestBaseUrl(url);
  else parseConnectionUrl(url);
}

// Where a connection's task logs are read from: the REST log endpoint for an Airflow API connection; else the S3
// remote log folder when Airflow (or xcomLens.logs.remoteBaseLogFolder) says logs are uploaded there; else the local
// base_log_folder. The file name comes from log_filename_template, rendered as Airflow renders it.
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { readSettings, type ConnectionConfig } from '../config';
import type { ObjectStores } from '../connections/objectStores';
import { trustedWorkspaceFolders } from '../connections/pickConnection';
import { parseConnectionUrl } from '../airflow/connectionUrl';
import { readAirflowLoggingConfig } from '../airflow/discovery';
import {
  AIRFLOW2_LOG_FILENAME_TEMPLATE,
  AIRFLOW3_LOG_FILENAME_TEMPLATE,
  LogTemplateError,
  renderLogFilename,
} from '../airflow/logs/logFilenameTemplate';
import type { TaskLog } from '../airflow/logs/logText';
import {
  LogNotFoundError,
  fileLogLocation,
  logLocationText,
  readLocalLog,
  readS3Log,
  s3LogLocation,
} from '../airflow/logs/storedLog';
import { errorMessage, isCancellation } from '../errors';
import type { TaskInstanceKey } from '../airflow/types';
import type { AirflowTreeModel } from './airflowTreeModel';

/** One try of a task instance whose log is wanted. */
export interface LogRequest extends TaskInstanceKey {
  /** The try. */
  tryNumber: number;
  /** The run's logical date, for templates that use `ts` or `ds`. */
  logicalDate?: string | null;
}

/** A log as read, and where it was read from. */
export interface LogReading extends TaskLog {
  /** "the Airflow API", "s3://…", or a file path. */
  where: string;
}

/** Options of {@link readLogFor}. */
export interface LogReadOptions {
  /** Cancels the read. */
  signal?: AbortSignal;
  /** Bytes read so far and in all. */
  onProgress?(read: number, total: number): void;
}

/** The folders an Airflow on this machine may write logs to for a connection, most likely first. */
function localFolders(connection: ConnectionConfig, configured: string): string[] {
  const folders = [configured];
  try {
    const { sqlitePath } = parseConnectionUrl(connection.url);
    // A SQLite metadata DB lives in AIRFLOW_HOME by default, and so do the logs.
    if (sqlitePath) folders.push(join(dirname(sqlitePath), 'logs'));
  } catch {
    // Not a URL XCom Lens reads: nothing to add.
  }
  return [...new Set(folders)];
}

/** Reads one try's log for a connection, from wherever that connection's Airflow keeps it. */
export async function readLogFor(
  connection: ConnectionConfig,
  model: AirflowTreeModel,
  objectStores: ObjectStores,
  request: LogRequest,
  options: LogReadOptions = {},
): Promise<LogReading> {
  const source = await model.source(connection);
  if ('http' in source) {
    const { readTaskLog } = await import('../airflow/rest/taskLog');
    const log = await readTaskLog(source as Parameters<typeof readTaskLog>[0], request, request.tryNumber, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...log, where: 'the Airflow API' };
  }
  const info = await source.describe(options.signal);
  const settings = readSettings().logs;
  const airflow = readAirflowLoggingConfig({
    env: process.env,
    homeDir: os.homedir(),
    workspaceFolders: trustedWorkspaceFolders(),
  });
  // Airflow names a run's log files with the template recorded for the run (log_template), else its configuration.
  const recorded = settings.filenameTemplate
    ? undefined
    : await source.readLogTemplate?.(request.dagId, request.runId, options.signal);
  const template =
    settings.filenameTemplate ||
    recorded ||
    airflow.logFilenameTemplate ||
    (info.generation === 3 ? AIRFLOW3_LOG_FILENAME_TEMPLATE : AIRFLOW2_LOG_FILENAME_TEMPLATE);
  let relative: string;
  try {
    relative = renderLogFilename(template, request);
  } catch (error) {
    if (!(error instanceof LogTemplateError)) throw error;
    const origin = settings.filenameTemplate
      ? 'xcomLens.logs.filenameTemplate'
      : recorded
        ? "the run's log_template row in the metadata DB (set xcomLens.logs.filenameTemplate to override it)"
        : `[logging] log_filename_template (${airflow.origins.join(', ') || 'the default'})`;
    throw new Error(`${error.message} The template comes from ${origin}.`, { cause: error });
  }
  const read = { tailBytes: settings.tailBytes, ...options };
  const remote = settings.remoteBaseLogFolder || (airflow.remoteLogging ? airflow.remoteBaseLogFolder : undefined);
  const notes: string[] = [];
  const folders = settings.baseLogFolder ? [settings.baseLogFolder] : localFolders(connection, airflow.baseLogFolder);
  const paths = folders.map((folder) => logLocationText(fileLogLocation(folder, relative)));
  if (remote && /^s3a?:\/\//i.test(remote)) {
    const loc = s3LogLocation(remote, relative) as Extract<ReturnType<typeof s3LogLocation>, { kind: 's3' }>;
    const store = await objectStores.storeFor(connection);
    try {
      return { ...(await readS3Log(store, loc, request.tryNumber, read)), where: logLocationText(loc) };
    } catch (error) {
      if (isCancellation(error)) throw error;
      if (error instanceof LogNotFoundError) {
        // Airflow uploads a log when its try ends: a running try's log is still only in the worker's folder.
        const local = await readLocalLog(paths, request.tryNumber, read).catch(() => undefined);
        if (!local) throw error;
        const { path, ...log } = local;
        const note = [`Not in S3 (yet) at ${logLocationText(loc)}: this is the local copy.`, log.note].join(' ');
        return { ...log, note: note.trim(), where: path };
      }
      const connId = airflow.remoteLogConnId;
      if (connId && !settings.remoteBaseLogFolder)
        throw new Error(
          `${errorMessage(error)} (Airflow reads these logs with its connection "${connId}"; XCom Lens uses ` +
            `the S3 settings of ${connection.name}: Configure S3 Access… to match.)`,
          { cause: error },
        );
      throw error;
    }
  }
  if (remote) notes.push(`Remote logs at ${remote} are not read by XCom Lens (S3 only): this is the local copy.`);
  const { path, ...log } = await readLocalLog(paths, request.tryNumber, read);
  const note = [...notes, log.note].filter(Boolean).join(' ');
  return { ...log, ...(note ? { note } : {}), where: path };
}

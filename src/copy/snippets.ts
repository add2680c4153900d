import { isJsonLinesKey, toS3Uri } from '../references';
import { pythonDict, pythonString, shellWord } from './quoting';

/** Where an offloaded object lives and how to reach it, for snippets. */
export interface SnippetObject {
  /** Bucket name. */
  bucket: string;
  /** Object key, as stored (unencoded). */
  key: string;
  /** csv, json, parquet or unknown. */
  format?: string;
  /** Compression of the object, when its key does not say so. */
  compression?: string;
}

/** S3 access options that change the command or code. */
export interface SnippetAccess {
  /** Custom endpoint (MinIO, LocalStack, Ceph). */
  endpointUrl?: string;
  /** Named AWS profile. */
  profile?: string;
  /** Region. */
  region?: string;
}

/** Identifies one XCom for xcom_pull and identifiers. */
export interface SnippetXCom {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  key: string;
}

/** A pandas snippet that reads the object, with storage_options for a custom endpoint or profile. */
export function pandasSnippet(object: SnippetObject, access: SnippetAccess): string {
  const reader = object.format === 'parquet' ? 'read_parquet' : object.format === 'json' ? 'read_json' : 'read_csv';
  const args = [pythonString(toS3Uri(object))];
  const keyShowsCompression = /\.(gz|bz2|zst|xz|zip)$/i.test(object.key);
  if (object.compression && !keyShowsCompression && reader !== 'read_parquet') {
    const name =
      object.compression === 'zstd'
        ? 'zstd'
        : object.compression === 'bz2'
          ? 'bz2'
          : object.compression === 'lzma'
            ? 'xz'
            : 'gzip';
    args.push(`compression=${pythonString(name)}`);
  }
  // A `.jsonl` / `.ndjson` name holds JSON Lines, which read_json reads only when told.
  if (reader === 'read_json' && isJsonLinesKey(object.key)) args.push('lines=True');
  const storage: Record<string, unknown> = {};
  if (access.profile) storage.profile = access.profile;
  const clientKwargs: Record<string, unknown> = {};
  if (access.endpointUrl) clientKwargs.endpoint_url = access.endpointUrl;
  if (access.region) clientKwargs.region_name = access.region;
  if (Object.keys(clientKwargs).length) storage.client_kwargs = clientKwargs;
  if (Object.keys(storage).length) args.push(`storage_options=${pythonDict(storage)}`);
  const call = args.length === 1 ? `pd.${reader}(${args[0]})` : `pd.${reader}(\n    ${args.join(',\n    ')},\n)`;
  return `import pandas as pd\n\ndf = ${call}\n`;
}

/** An `aws s3 cp` command that downloads the object into the current folder. */
export function awsCliCommand(object: Pick<SnippetObject, 'bucket' | 'key'>, access: SnippetAccess): string {
  const fileName = object.key.split('/').pop() || 'object';
  const parts = ['aws', 's3', 'cp', shellWord(toS3Uri(object)), shellWord(`./${fileName}`)];
  if (access.endpointUrl) parts.push('--endpoint-url', shellWord(access.endpointUrl));
  if (access.profile) parts.push('--profile', shellWord(access.profile));
  if (access.region) parts.push('--region', shellWord(access.region));
  return parts.join(' ');
}

/** A Python `ti.xcom_pull(...)` call that pulls this XCom inside a task of the same DAG run. */
export function xcomPullSnippet(xcom: SnippetXCom): string {
  const args = [
    `dag_id=${pythonString(xcom.dagId)}`,
    `task_ids=${pythonString(xcom.taskId)}`,
    `key=${pythonString(xcom.key)}`,
  ];
  if (xcom.mapIndex >= 0) args.push(`map_indexes=${xcom.mapIndex}`);
  return `# run_id: ${xcom.runId.replace(/[\r\n]/g, ' ')}\nvalue = ti.xcom_pull(${args.join(', ')})\n`;
}

/** The identifiers of an XCom, one per line, as `name=value`. */
export function identifiersText(xcom: Partial<SnippetXCom> & { dagId: string; runId: string }): string {
  const lines = [`dag_id=${xcom.dagId}`, `run_id=${xcom.runId}`];
  if (xcom.taskId !== undefined) lines.push(`task_id=${xcom.taskId}`);
  if (xcom.mapIndex !== undefined) lines.push(`map_index=${xcom.mapIndex}`);
  if (xcom.key !== undefined) lines.push(`key=${xcom.key}`);
  return lines.join('\n');
}

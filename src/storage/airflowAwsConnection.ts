// Airflow's AWS connection (`AIRFLOW_CONN_AWS_DEFAULT`) in URI or JSON form → storage settings + static keys.
import type { StaticCredentials, StorageSettings } from './storageSettings';

/** What an Airflow AWS connection says about S3 access. */
export interface AirflowAwsConnection {
  /** Region, endpoint, profile and addressing style. */
  settings: StorageSettings;
  /** Static keys, when the connection holds some. */
  credentials?: StaticCredentials;
}

/** Error for a connection string that cannot be read; its message never contains a secret. */
export class AirflowConnectionParseError extends Error {}

type Extra = Record<string, unknown>;

/**
 * Parses `aws://KEY:SECRET@/?region_name=…&endpoint_url=…` or
 * `{"conn_type":"aws","login":…,"password":…,"extra":{"endpoint_url":…,"region_name":…}}`.
 */
export function parseAirflowAwsConnection(value: string): AirflowAwsConnection {
  const text = value.trim();
  if (!text) throw new AirflowConnectionParseError('The Airflow AWS connection is empty.');
  if (text.startsWith('{')) return parseJson(text);
  return parseUri(text);
}

function parseJson(text: string): AirflowAwsConnection {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AirflowConnectionParseError('The Airflow AWS connection looks like JSON but does not parse.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new AirflowConnectionParseError('The Airflow AWS connection JSON is not an object.');
  let extra: Extra = {};
  if (typeof doc.extra === 'string' && doc.extra.trim()) {
    try {
      extra = JSON.parse(doc.extra) as Extra;
    } catch {
      throw new AirflowConnectionParseError('The "extra" of the Airflow AWS connection is not valid JSON.');
    }
  } else if (typeof doc.extra === 'object' && doc.extra !== null) {
    extra = doc.extra as Extra;
  }
  return build(str(doc.login), str(doc.password), extra);
}

function parseUri(text: string): AirflowAwsConnection {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!scheme) throw new AirflowConnectionParseError('The Airflow AWS connection is neither a URI (aws://…) nor JSON.');
  const rest = text.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1).replace(/#.*$/, '');
  // Secrets often hold '/' and '+': the user info ends at the last '@' before the query.
  const at = beforeQuery.lastIndexOf('@');
  const userInfo = at < 0 ? '' : beforeQuery.slice(0, at);
  let login: string | undefined;
  let password: string | undefined;
  if (userInfo) {
    const colon = userInfo.indexOf(':');
    login = decode(colon < 0 ? userInfo : userInfo.slice(0, colon));
    password = colon < 0 ? undefined : decode(userInfo.slice(colon + 1));
  }
  const extra: Extra = {};
  for (const [k, v] of new URLSearchParams(query)) {
    if (k === '__extra__') {
      try {
        Object.assign(extra, JSON.parse(v) as Extra);
      } catch {
        throw new AirflowConnectionParseError('The __extra__ of the Airflow AWS connection is not valid JSON.');
      }
    } else {
      extra[k] = v;
    }
  }
  return build(login, password, extra);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function build(login: string | undefined, password: string | undefined, extra: Extra): AirflowAwsConnection {
  const settings: StorageSettings = {};
  const region = str(extra.region_name) ?? str(extra.region);
  if (region) settings.region = region;
  const serviceConfig = extra.service_config as Record<string, Record<string, unknown>> | undefined;
  const endpoint = str(serviceConfig?.s3?.endpoint_url) ?? str(extra.endpoint_url) ?? str(extra.host);
  if (endpoint) settings.endpointUrl = endpoint;
  const profile = str(extra.profile_name) ?? str(extra.profile);
  if (profile) settings.profile = profile;
  const configKwargs = extra.config_kwargs as Record<string, Record<string, unknown>> | undefined;
  const addressing = str(configKwargs?.s3?.addressing_style) ?? str(extra.addressing_style);
  if (addressing === 'path') settings.forcePathStyle = true;
  else if (addressing === 'virtual') settings.forcePathStyle = false;
  else if (endpoint) settings.forcePathStyle = true;
  const accessKeyId = login ?? str(extra.aws_access_key_id);
  const secretAccessKey = password ?? str(extra.aws_secret_access_key);
  const sessionToken = str(extra.aws_session_token);
  if (accessKeyId && secretAccessKey) {
    return { settings, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
  }
  return { settings };
}

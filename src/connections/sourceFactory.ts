import type { ConnectionConfig, Settings } from '../config';
import type { Logger } from '../logger';
import type { MetadataSource } from '../airflow/metadataSource';
import { withPassword } from '../airflow/connectionUrl';
import { isComposerUrl, isRestUrl, restUserOf } from '../airflow/rest/baseUrl';
import { isMwaaUrl, parseMwaaUrl } from '../airflow/rest/mwaaUrl';
import type { RestCredentials } from '../airflow/rest/restHttp';
// Types only: the modules themselves (and the cloud libraries behind them) load when a connection needs them.
import type { googleTokenProvider } from '../airflow/rest/googleCredentials';
import type { MwaaTransport } from '../airflow/rest/mwaaTransport';
import type { MwaaWebLoginTransport } from '../airflow/rest/mwaaWebLogin';

/** Opens the metadata source of a connection with its secret from SecretStorage and the timeout settings. */
export async function openMetadataSource(
  connection: ConnectionConfig,
  password: string | undefined,
  settings: Settings,
  logger: Logger,
): Promise<MetadataSource> {
  if (isMwaaUrl(connection.url)) return openMwaaSource(connection, settings, logger);
  if (isRestUrl(connection.url)) {
    const { createRestMetadataSource } = await import('../airflow/rest/restMetadataSource');
    if (connection.tls?.skipVerify)
      logger.warn(`${connection.name}: TLS certificate verification is OFF for this connection (insecure)`);
    return createRestMetadataSource({
      baseUrl: connection.url,
      credentials: await restCredentials(connection, password, logger),
      timeoutMs: settings.queryTimeoutSeconds * 1000,
      ...(connection.tls ? { tls: connection.tls } : {}),
      logger,
    });
  }
  // Loaded on first use: the database drivers are not evaluated during activation.
  const { createMetadataSource } = await import('../airflow/sqlMetadataSource');
  return createMetadataSource({
    url: withPassword(connection.url, password),
    ...(connection.schema ? { schema: connection.schema } : {}),
    connectTimeoutMs: settings.connectTimeoutSeconds * 1000,
    queryTimeoutMs: settings.queryTimeoutSeconds * 1000,
    logger,
  });
}

/**
 * An MWAA environment through InvokeRestApi (or, with `login=web`, its web server signed in with a web login token), with the AWS credential chain S3 uses: the URL's profile, else the
 * connection's S3 profile, else the default chain; the URL's region, else the S3 region, else AWS_REGION.
 */
async function openMwaaSource(
  connection: ConnectionConfig,
  settings: Settings,
  logger: Logger,
): Promise<MetadataSource> {
  const { MwaaApi } = await import('../airflow/rest/mwaaApi');
  const { MwaaTransport: Transport } = await import('../airflow/rest/mwaaTransport');
  const { createRestMetadataSource } = await import('../airflow/rest/restMetadataSource');
  const aws = await import('../storage/awsCredentials');
  const target = parseMwaaUrl(connection.url);
  const profile = target.profile ?? connection.storage?.profile;
  const region = aws.resolveRegion({ ...connection.storage, ...(target.region ? { region: target.region } : {}) });
  const credentialSource = aws.describeCredentialSource(profile ? { profile } : {});
  const api = new MwaaApi({
    region,
    credentials: aws.awsCredentials(profile),
    credentialSource,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    timeoutMs: settings.queryTimeoutSeconds * 1000,
    logger,
  });
  if (target.login === 'web') {
    const { MwaaWebLoginTransport: WebLogin } = await import('../airflow/rest/mwaaWebLogin');
    const transport: MwaaWebLoginTransport = new WebLogin({
      name: target.name,
      region,
      api,
      credentialSource,
      timeoutMs: settings.queryTimeoutSeconds * 1000,
      ...(connection.tls ? { tls: connection.tls } : {}),
      logger,
    });
    return createRestMetadataSource({ transport, logger });
  }
  const transport: MwaaTransport = new Transport({ name: target.name, region, api, credentialSource, logger });
  return createRestMetadataSource({ transport, logger });
}

/**
 * A user in the URL logs in with the stored password; a stored secret without a user is a bearer token; a Composer
 * web server (or a connection set to Google) without either uses Google Application Default Credentials.
 */
async function restCredentials(
  connection: ConnectionConfig,
  secret: string | undefined,
  logger: Logger,
): Promise<RestCredentials> {
  const username = restUserOf(connection.url);
  if (username) return { kind: 'login', username, password: secret ?? '' };
  if (secret) return { kind: 'bearer', token: secret };
  if (connection.restAuth === 'google' || isComposerUrl(connection.url)) {
    const provider: typeof googleTokenProvider = (await import('../airflow/rest/googleCredentials'))
      .googleTokenProvider;
    return provider(logger);
  }
  return { kind: 'none' };
}

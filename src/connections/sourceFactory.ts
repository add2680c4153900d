import type { ConnectionConfig, Settings } from '../config';
import type { Logger } from '../logger';
import type { MetadataSource } from '../airflow/metadataSource';
import { withPassword } from '../airflow/connectionUrl';
import { isRestUrl, restUserOf } from '../airflow/rest/baseUrl';
import type { RestCredentials } from '../airflow/rest/restHttp';

/** Opens the metadata source of a connection with its secret from SecretStorage and the timeout settings. */
export async function openMetadataSource(
  connection: ConnectionConfig,
  password: string | undefined,
  settings: Settings,
  logger: Logger,
): Promise<MetadataSource> {
  if (isRestUrl(connection.url)) {
    const { createRestMetadataSource } = await import('../airflow/rest/restMetadataSource');
    if (connection.tls?.skipVerify)
      logger.warn(`${connection.name}: TLS certificate verification is OFF for this connection (insecure)`);
    return createRestMetadataSource({
      baseUrl: connection.url,
      credentials: restCredentials(connection.url, password),
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

/** A user in the URL logs in with the stored password; a stored secret without a user is a bearer token. */
function restCredentials(url: string, secret: string | undefined): RestCredentials {
  const username = restUserOf(url);
  if (username) return { kind: 'login', username, password: secret ?? '' };
  return secret ? { kind: 'bearer', token: secret } : { kind: 'none' };
}

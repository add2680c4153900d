import type { ConnectionConfig, Settings } from '../config';
import type { Logger } from '../logger';
import type { MetadataSource } from '../airflow/metadataSource';
import { withPassword } from '../airflow/connectionUrl';

/** Opens the metadata source of a connection with its password from SecretStorage and the timeout settings. */
export async function openMetadataSource(connection: ConnectionConfig, password: string | undefined, settings: Settings, logger: Logger): Promise<MetadataSource> {
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

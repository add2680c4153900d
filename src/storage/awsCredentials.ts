// The one home of AWS credentials for every AWS client (S3, MWAA): static keys from SecretStorage, else the
// standard Node credential chain (environment, shared files and profiles, SSO, container or instance role).
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { StaticCredentials, StorageSettings } from './storageSettings';

/** Resolves (and, for temporary credentials, refreshes) the credentials each request is signed with. */
export type AwsCredentialProvider = ReturnType<typeof fromNodeProviderChain>;

/** Credentials for an AWS client: the static keys when given, else the chain (with a named profile, if any). */
export function awsCredentials(
  profile: string | undefined,
  credentials?: StaticCredentials,
): StaticCredentials | AwsCredentialProvider {
  if (credentials) {
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    };
  }
  const name = profile?.trim();
  return fromNodeProviderChain(name ? { profile: name } : {});
}

/** The region in force: the settings', else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1 (redirects are followed). */
export function resolveRegion(
  settings: StorageSettings,
  env: Record<string, string | undefined> = process.env,
): string {
  return settings.region?.trim() || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
}

/** Names where the credentials come from, for messages (never a secret). */
export function describeCredentialSource(
  settings: StorageSettings,
  credentials?: StaticCredentials,
  env: Record<string, string | undefined> = process.env,
): string {
  if (credentials) return `static access key ${maskKeyId(credentials.accessKeyId)}`;
  const profile = settings.profile?.trim() || env.AWS_PROFILE?.trim();
  if (profile) return `AWS profile "${profile}"`;
  if (env.AWS_ACCESS_KEY_ID) return `environment variable AWS_ACCESS_KEY_ID (${maskKeyId(env.AWS_ACCESS_KEY_ID)})`;
  return 'the default AWS credential chain (shared files, SSO, container or instance role)';
}

/** An access key id shortened for messages: `AKIA…WXYZ`. */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : accessKeyId;
}

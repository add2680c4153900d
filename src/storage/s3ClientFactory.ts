// Builds the S3 client for one connection: static keys or the standard AWS credential chain, region,
// endpoint, path-style addressing, timeouts and retries.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { awsCredentials, resolveRegion } from './awsCredentials';
import { readReleasingAgents } from './readReleasingAgents';
import type { StaticCredentials, StorageSettings } from './storageSettings';

/** Timeouts and retries of the client. */
export interface S3ClientOptions {
  /** Milliseconds to establish a TCP/TLS connection. */
  connectionTimeoutMs?: number;
  /** Milliseconds a request may wait for the response to start. */
  requestTimeoutMs?: number;
  /** Milliseconds a socket may stay idle while a body streams. */
  socketTimeoutMs?: number;
  /** Attempts per request, first included (the SDK retries throttling, 5xx and network errors). */
  maxAttempts?: number;
  /** Environment to read AWS_REGION / AWS_ACCESS_KEY_ID from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Defaults: fail fast on unreachable endpoints, tolerate slow first bytes. */
export const DEFAULT_CLIENT_OPTIONS = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  socketTimeoutMs: 30_000,
  maxAttempts: 3,
} as const;

/** The client configuration (exported for tests). */
export function s3ClientConfig(
  settings: StorageSettings,
  credentials?: StaticCredentials,
  options: S3ClientOptions = {},
): S3ClientConfig {
  const o = { ...DEFAULT_CLIENT_OPTIONS, ...options };
  const env = options.env ?? process.env;
  const profile = settings.profile?.trim() || undefined;
  const config: S3ClientConfig = {
    region: resolveRegion(settings, env),
    credentials: awsCredentials(profile, credentials),
    followRegionRedirects: true,
    maxAttempts: o.maxAttempts,
    requestHandler: {
      connectionTimeout: o.connectionTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
      throwOnRequestTimeout: true,
      ...readReleasingAgents(),
    },
    // Checksums only where S3 requires them: ranged reads cannot be validated anyway, and S3-compatible
    // servers differ in what they accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const endpoint = settings.endpointUrl?.trim();
  if (endpoint) config.endpoint = endpoint;
  if (settings.forcePathStyle !== undefined) config.forcePathStyle = settings.forcePathStyle;
  else if (endpoint) config.forcePathStyle = true;
  return config;
}

/** Creates an S3 client (read-only use: the project never writes to S3). */
export function createS3Client(
  settings: StorageSettings,
  credentials?: StaticCredentials,
  options: S3ClientOptions = {},
): S3Client {
  return new S3Client(s3ClientConfig(settings, credentials, options));
}

// SDK and network errors → StorageError: one kind per cause and a message users understand, naming which
// object, bucket, endpoint or credentials were involved, never a secret.
import { CancellationError, OBJECT_CHANGED, isCancellation } from '../errors';
import type { ObjectLocation } from './storageSettings';

/** Causes of a failed S3 access. */
export type StorageErrorKind =
  | 'notFound'
  | 'noSuchBucket'
  | 'accessDenied'
  | 'badCredentials'
  | 'expiredCredentials'
  | 'noCredentials'
  | 'wrongRegion'
  | 'unreachable'
  | 'timeout'
  | 'invalidRange'
  | 'rangesNotServed'
  | 'changed'
  | 'unknown';

/** An S3 access failure, with a message fit for users. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    /** What went wrong. */
    readonly kind: StorageErrorKind,
    message: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
    /** SDK error name or network error code; OBJECT_CHANGED (errors.ts) for an object replaced since reading began. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** True for a StorageError. */
export function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}

/** What the message may mention. */
export interface StorageErrorContext {
  /** The object (or bucket) being read. */
  loc?: Partial<ObjectLocation>;
  /** Where the credentials come from, e.g. `AWS profile "dev"` (never a secret). */
  credentialsOrigin?: string;
  /** Profile name, for the `aws sso login` hint. */
  profile?: string;
  /** Endpoint URL or host, for unreachable-endpoint messages. */
  endpoint?: string;
  /** Region the client used. */
  region?: string;
  /** Texts that must never appear in a message (secret keys, session tokens). */
  secrets?: string[];
}

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
  errors?: unknown[];
}

const NETWORK_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ECONNRESET',
  'EPIPE',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeoutException',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** The network error code of an error or its causes (`ECONNREFUSED`, …). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const e = error as SdkLikeError;
  if (typeof e.code === 'string' && /^E[A-Z_]+$|^ERR_|^CERT_|^UNABLE_|^DEPTH_|^UND_ERR/.test(e.code)) return e.code;
  for (const inner of e.errors ?? []) {
    const code = networkCode(inner, depth + 1);
    if (code) return code;
  }
  return networkCode(e.cause, depth + 1);
}

function statusOf(error: SdkLikeError): number | undefined {
  return error.$metadata?.httpStatusCode;
}

/** True for errors worth retrying: dropped connections, timeouts, throttling and 5xx. Never for an abort. */
export function isTransientError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as SdkLikeError;
  if (isCancellation(error) || error instanceof StorageError) return false;
  if (TRANSIENT_NAMES.has(e.name ?? '')) return true;
  const status = statusOf(e);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  const code = networkCode(error);
  return !!code && TRANSIENT_CODES.has(code);
}

function s3Uri(loc: Partial<ObjectLocation> | undefined): string {
  if (!loc?.bucket) return 'the object';
  return loc.key !== undefined ? `s3://${loc.bucket}/${loc.key}` : `s3://${loc.bucket}`;
}

function redact(text: string, secrets: string[] | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

function expectedRegion(error: SdkLikeError): string | undefined {
  const header = error.$response?.headers?.['x-amz-bucket-region'];
  if (header) return header;
  if (typeof error.Region === 'string' && error.Region) return error.Region;
  const m = /expecting '([a-z0-9-]+)'/.exec(error.message ?? '');
  return m?.[1];
}

/** True when the SDK had no error code from the body (a HEAD's error responses carry none). */
function isBodiless(e: SdkLikeError): boolean {
  const name = e.name ?? '';
  if (!e.message || e.message === 'UnknownError' || e.message === name) return true;
  return /^(\d{3}|Unknown|UnknownError|BadRequest)$/.test(name);
}

/** Why a read stopped when the object was replaced after its first request (its ETag no longer matches). */
function changedMessage(what: string): string {
  return `${what} changed while it was being read: it was replaced after reading began, so the parts read would not belong together. Reopen it to read the new version.`;
}

/** A few words for the tree: what kind of failure an object's HEAD met. */
export function storageErrorLabel(error: unknown): string {
  if (!(error instanceof StorageError)) return 'unreadable';
  switch (error.kind) {
    case 'notFound':
    case 'noSuchBucket':
      return 'dangling reference';
    case 'accessDenied':
      return 'access denied';
    case 'badCredentials':
    case 'expiredCredentials':
    case 'noCredentials':
      return 'credentials rejected';
    case 'wrongRegion':
      return 'wrong region';
    case 'unreachable':
      return 'unreachable';
    case 'timeout':
      return 'timed out';
    default:
      return 'unreadable';
  }
}

/**
 * Maps any error of an S3 access to a StorageError, or to a CancellationError when it is the user's Cancel
 * (`signal.aborted` wins, so a cancel reads as one whatever the SDK threw).
 */
export function toStorageError(
  error: unknown,
  context: StorageErrorContext = {},
  signal?: AbortSignal,
): StorageError | CancellationError {
  if (error instanceof StorageError || error instanceof CancellationError) return error;
  const e = (error && typeof error === 'object' ? error : { message: String(error) }) as SdkLikeError;
  const name = e.name ?? '';
  const sdkCode = e.Code ?? (typeof e.code === 'string' ? e.code : undefined);
  const status = statusOf(e);
  const what = s3Uri(context.loc);
  const bucket = context.loc?.bucket ? `"${context.loc.bucket}"` : 'the bucket';
  const creds = context.credentialsOrigin ?? 'the configured credentials';
  const make = (kind: StorageErrorKind, message: string) =>
    new StorageError(
      kind,
      redact(message, context.secrets),
      status,
      kind === 'changed'
        ? OBJECT_CHANGED
        : ((name && name !== 'Error' ? name : undefined) ?? sdkCode ?? networkCode(error) ?? (name || undefined)),
    );

  if (signal?.aborted || isCancellation(error)) {
    return new CancellationError(`Reading ${what} was cancelled.`, { cause: error });
  }
  switch (name || sdkCode) {
    case 'NoSuchKey':
      return make('notFound', `The object ${what} does not exist (deleted or expired?).`);
    case 'NotFound':
      return make('notFound', `The object ${what} does not exist (deleted or expired?).`);
    case 'NoSuchBucket':
      return make(
        'noSuchBucket',
        `The bucket ${bucket} does not exist${context.endpoint ? ` on ${context.endpoint}` : ''}. Check the bucket name in the reference or in the connection's S3 settings.`,
      );
    case 'AccessDenied':
    case 'Forbidden':
    case 'AllAccessDisabled':
      return make(
        'accessDenied',
        `Access to ${what} was denied for ${creds}. The credentials need s3:GetObject (and s3:ListBucket to tell a missing object from a forbidden one).`,
      );
    case 'InvalidAccessKeyId':
      return make(
        'badCredentials',
        `S3 does not know the access key of ${creds} (InvalidAccessKeyId). Check the keys, profile or AIRFLOW_CONN_AWS_DEFAULT.`,
      );
    case 'SignatureDoesNotMatch':
      return make(
        'badCredentials',
        `S3 rejected the signature made with ${creds} (SignatureDoesNotMatch): the secret access key does not belong to that access key.`,
      );
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
    case 'InvalidToken':
      return make(
        'expiredCredentials',
        `The session credentials of ${creds} have expired.${context.profile ? ` Run \`aws sso login --profile ${context.profile}\` (or refresh the session) and retry.` : ' Refresh them and retry.'}`,
      );
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
    case 'MovedPermanently':
    case '301': {
      const region = expectedRegion(e);
      return make(
        'wrongRegion',
        `The bucket ${bucket} is not in region ${context.region ?? '(unset)'}${region ? `: use region ${region}` : ''}. Set the region in the connection's S3 settings.`,
      );
    }
    case 'PreconditionFailed':
      return make('changed', changedMessage(what));
    case 'InvalidRange':
      return make(
        'invalidRange',
        `The requested byte range is outside ${what} (InvalidRange): the object is smaller than expected, or it changed while being read.`,
      );
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return make(
        'timeout',
        `S3 did not answer in time${context.endpoint ? ` (${context.endpoint})` : ''} while reading ${what}. Retry, or check the network.`,
      );
    case 'CredentialsProviderError': {
      const msg = e.message ?? '';
      if (/sso|token/i.test(msg) && /expired|refresh/i.test(msg)) {
        return make(
          'expiredCredentials',
          `The SSO session of ${creds} has expired. Run \`aws sso login${context.profile ? ` --profile ${context.profile}` : ''}\` and retry.`,
        );
      }
      return make(
        'noCredentials',
        `No AWS credentials were found in ${creds}: ${msg} Configure a profile, static keys (XCom Lens: Configure S3 Access…) or AIRFLOW_CONN_AWS_DEFAULT.`,
      );
    }
  }
  if (/sso/i.test(e.message ?? '') && /expired|login/i.test(e.message ?? '')) {
    return make(
      'expiredCredentials',
      `The SSO session of ${creds} has expired. Run \`aws sso login${context.profile ? ` --profile ${context.profile}` : ''}\` and retry.`,
    );
  }
  const code = networkCode(error);
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return make(
      'timeout',
      `Connecting to the S3 endpoint ${context.endpoint ?? ''} timed out (${code}).`.replace('  ', ' '),
    );
  if (code && NETWORK_UNREACHABLE.has(code)) {
    const hint =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : code === 'ECONNREFUSED'
          ? 'nothing is listening there'
          : 'the connection failed';
    return make(
      'unreachable',
      `Cannot reach the S3 endpoint ${context.endpoint ?? '(default AWS endpoint)'}: ${hint} (${code}).`,
    );
  }
  if (status === 404) return make('notFound', `The object ${what} does not exist (deleted or expired?).`);
  if (status === 400 && isBodiless(e)) {
    // A HEAD's 400 has no body: with a session token, S3 answers so when the token expired or is invalid.
    const refresh = context.profile ? ` (\`aws sso login --profile ${context.profile}\`)` : '';
    return make(
      'expiredCredentials',
      `S3 refused the credentials of ${creds} (HTTP 400 without details): the session credentials are expired or ` +
        `invalid. Refresh them${refresh} and retry.`,
    );
  }
  if (status === 403) return make('accessDenied', `Access to ${what} was denied for ${creds} (HTTP 403).`);
  if (status === 416) return make('invalidRange', `The requested byte range is outside ${what} (HTTP 416).`);
  if (status === 412) return make('changed', changedMessage(what));
  if (status === 301 || status === 307) {
    const region = expectedRegion(e);
    return make(
      'wrongRegion',
      `The bucket ${bucket} is not in region ${context.region ?? '(unset)'}${region ? `: use region ${region}` : ''}.`,
    );
  }
  const detail =
    e.message && e.message !== 'UnknownError' ? e.message : `${name || 'error'}${status ? ` (HTTP ${status})` : ''}`;
  return make('unknown', `Reading ${what} failed: ${detail}`);
}

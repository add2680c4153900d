// The two MWAA API operations XCom Lens calls (GetEnvironment and InvokeRestApi), signed with SigV4 for the service `airflow` by @smithy/signature-v4 with the caller's AWS credential
// chain. The operations are AWS's restJson1 bindings (GET /environments/{Name} on `api.airflow.<region>…`,
// POST /restapi/{Name} on `env.airflow.<region>…`). Errors become messages that say which permission or setting
// to fix; no message holds a key, a secret or a session token.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent, fetch, type Dispatcher } from 'undici';
import { cancellableSleep, CancellationError, errorMessage, throwIfCancelled } from '../../errors';
import type { Logger } from '../../logger';
import { AuthenticationError, ConnectionError, QueryError, scrubSecrets } from '../errors';
import { causeCode, networkFailure } from './restHttp';

/** AWS credentials as the signer takes them. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options for {@link MwaaApi}. */
export interface MwaaApiOptions {
  /** AWS region of the environment. */
  region: string;
  /** Static keys, or the credential chain (resolved and refreshed on each signing). */
  credentials: AwsKeys | (() => Promise<AwsKeys>);
  /** Where the credentials come from, for messages ("AWS profile \"prod\""). */
  credentialSource: string;
  /** Endpoint instead of `https://{api,env}.airflow.<region>.amazonaws.com` (a VPC endpoint, a test server). */
  endpoint?: string;
  /** Milliseconds one request may take. */
  timeoutMs: number;
  /** Attempts for throttling and 5xx answers, the first included. */
  maxAttempts?: number;
  /** Where to log (never a secret). */
  logger: Logger;
}

/** What GetEnvironment tells XCom Lens. */
export interface MwaaEnvironment {
  /** `2.10.3`, `3.0.6`. */
  airflowVersion?: string;
  /** The web server host name. */
  webserverUrl?: string;
  /** `AVAILABLE`, `UPDATING`, `CREATING`… */
  status?: string;
}

/** One Airflow REST call through InvokeRestApi. */
export interface InvokeRequest {
  /** Path under the API root (`/dags`), as in Airflow's spec. */
  path: string;
  /** HTTP method. */
  method: 'GET' | 'POST';
  /** Query parameters (arrays repeat). */
  query?: Record<string, string | string[]>;
  /** JSON body. */
  body?: unknown;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** The Airflow API's answer, as InvokeRestApi relays it (2xx as a result, 4xx/5xx as RestApiClient/ServerException). */
export interface InvokeResult {
  /** The Airflow API's HTTP status. */
  status: number;
  /** Its JSON body. */
  body: unknown;
}

/** SHA-256 and HMAC-SHA256 for the signer, from node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(chunk: string | Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.create();
  }
}

/** A SigV4 signer for the service `airflow`. */
function mwaaSigner(region: string, credentials: MwaaApiOptions['credentials']): SignatureV4 {
  return new SignatureV4({ service: 'airflow', region, credentials, sha256: NodeSha256, uriEscapePath: true });
}

/** An MWAA API error as AWS sends it: `x-amzn-errortype` (or `__type`) and a message. */
interface AwsError {
  type: string;
  message: string;
  status: number;
  body: Record<string, unknown>;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceQuotaExceededException',
]);
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);
const BAD_KEYS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);

const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** The MWAA API client. */
export class MwaaApi {
  private readonly dispatcher: Dispatcher;
  private readonly signer: SignatureV4;

  constructor(private readonly options: MwaaApiOptions) {
    this.dispatcher = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.signer = mwaaSigner(options.region, options.credentials);
  }

  /** GetEnvironment: the environment's Airflow version and web server. */
  async getEnvironment(name: string, signal?: AbortSignal): Promise<MwaaEnvironment> {
    const body = await this.call('api.', 'GET', `/environments/${encodeURIComponent(name)}`, undefined, name, signal);
    const env = ((body as { Environment?: Record<string, unknown> } | undefined)?.Environment ?? {}) as Record<
      string,
      unknown
    >;
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
    const airflowVersion = text(env.AirflowVersion);
    const webserverUrl = text(env.WebserverUrl);
    const status = text(env.Status);
    return {
      ...(airflowVersion ? { airflowVersion } : {}),
      ...(webserverUrl ? { webserverUrl } : {}),
      ...(status ? { status } : {}),
    };
  }

  /** CreateWebLoginToken: a one-minute login token for the web server, and its host name. */
  async createWebLoginToken(name: string, signal?: AbortSignal): Promise<{ webToken: string; hostname: string }> {
    const body = (await this.call('env.', 'POST', `/webtoken/${encodeURIComponent(name)}`, undefined, name, signal)) as
      { WebToken?: unknown; WebServerHostname?: unknown } | undefined;
    if (typeof body?.WebToken !== 'string' || typeof body.WebServerHostname !== 'string' || !body.WebServerHostname)
      throw new ConnectionError(`CreateWebLoginToken on "${name}" answered without a token or a web server host name.`);
    return { webToken: body.WebToken, hostname: body.WebServerHostname };
  }

  /** InvokeRestApi: one Airflow REST call; 4xx/5xx of the Airflow API come back as results, not errors. */
  async invokeRestApi(name: string, request: InvokeRequest): Promise<InvokeResult> {
    const input: Record<string, unknown> = { Path: request.path, Method: request.method };
    if (request.query && Object.keys(request.query).length) input.QueryParameters = request.query;
    if (request.body !== undefined) input.Body = request.body;
    try {
      const out = (await this.call(
        'env.',
        'POST',
        `/restapi/${encodeURIComponent(name)}`,
        input,
        name,
        request.signal,
      )) as { RestApiStatusCode?: unknown; RestApiResponse?: unknown } | undefined;
      return {
        status: typeof out?.RestApiStatusCode === 'number' ? out.RestApiStatusCode : 200,
        body: out?.RestApiResponse,
      };
    } catch (error) {
      if (error instanceof RelayedApiError) return { status: error.status, body: error.body };
      throw error;
    }
  }

  /** Closes pooled sockets. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private baseUrl(hostPrefix: string): URL {
    const { region, endpoint } = this.options;
    const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return new URL(endpoint ?? `https://${hostPrefix}airflow.${region}.${domain}`);
  }

  private async call(
    hostPrefix: string,
    method: 'GET' | 'POST',
    path: string,
    input: unknown,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(hostPrefix, method, path, input, signal);
      } catch (error) {
        if (error instanceof DroppedConnection) {
          // Every call XCom Lens makes only reads, so a dropped connection is safe to try again.
          if (attempt < maxAttempts) {
            this.options.logger.info(`The connection to the MWAA API dropped (${error.code}): retrying`);
            continue;
          }
          throw error.explained;
        }
        if (!(error instanceof AwsApiError)) throw error;
        const retriable = THROTTLING.has(error.aws.type) || error.aws.status >= 500;
        if (retriable && attempt < maxAttempts) {
          const waitMs = Math.min(5000, 300 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
          this.options.logger.info(`MWAA answered ${error.aws.type}: retrying in ${Math.round(waitMs)} ms`);
          await cancellableSleep(waitMs, signal);
          continue;
        }
        throw this.explain(error.aws, name, path);
      }
    }
  }

  private async send(
    hostPrefix: string,
    method: 'GET' | 'POST',
    path: string,
    input: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    throwIfCancelled(signal);
    const base = this.baseUrl(hostPrefix);
    const fullPath = `${base.pathname.replace(/\/+$/, '')}${path}`;
    const body = input === undefined ? undefined : JSON.stringify(input);
    let signed;
    try {
      signed = await this.signer.sign({
        method,
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: fullPath,
        query: {},
        headers: {
          host: base.host,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
    } catch (error) {
      throw this.credentialError(error);
    }
    const url = new URL(`${base.protocol}//${base.host}${fullPath}`);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const started = Date.now();
    let response: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      const headers = { ...signed.headers };
      delete headers.host;
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: combined,
        dispatcher: this.dispatcher,
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      const explained = networkFailure(error, url, this.options.timeoutMs, signal, timeout, (t) => t);
      const code = causeCode(error);
      if (!signal?.aborted && !timeout.aborted && code && DROPPED.has(code))
        throw new DroppedConnection(code, explained);
      throw explained;
    }
    this.options.logger.debug(`MWAA ${method} ${path} → ${response.status} (${Date.now() - started} ms)`);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status >= 200 && response.status < 300) {
      if (text && parsed === undefined)
        throw new ConnectionError(
          `The MWAA API at ${url.host} answered with something that is not JSON: check the endpoint.`,
        );
      return parsed;
    }
    const b = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const header = response.headers.get('x-amzn-errortype') ?? '';
    const rawType = header || String(b.__type ?? b.code ?? b.Code ?? '');
    const type = rawType.split(':')[0].split('#').pop() ?? '';
    const message = String(b.message ?? b.Message ?? '').slice(0, 300);
    if (type === 'RestApiClientException' || type === 'RestApiServerException') {
      const status =
        typeof b.RestApiStatusCode === 'number' ? b.RestApiStatusCode : type === 'RestApiClientException' ? 400 : 500;
      throw new RelayedApiError(status, b.RestApiResponse);
    }
    throw new AwsApiError({ type: type || `HTTP ${response.status}`, message, status: response.status, body: b });
  }

  private credentialError(error: unknown): Error {
    if (error instanceof CancellationError) return error;
    const text = errorMessage(error);
    const source = this.options.credentialSource;
    if (
      /could not load credentials|no credentials|credentialsprovidererror|unable to load/i.test(
        `${(error as Error)?.name} ${text}`,
      )
    ) {
      return new AuthenticationError(
        `No AWS credentials found for MWAA (${source}): set a profile in the connection URL (&profile=…), run "aws sso login", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      );
    }
    if (/expired|sso.*token|refresh/i.test(text)) {
      return new AuthenticationError(
        `The AWS credentials for MWAA (${source}) have expired: run "aws sso login" (with --profile if the URL names one) or refresh the keys, then Test Connection.`,
      );
    }
    return new AuthenticationError(`Could not get AWS credentials for MWAA (${source}): ${this.scrub(text)}`);
  }

  private explain(aws: AwsError, name: string, path: string): Error {
    const source = this.options.credentialSource;
    const said = aws.message ? ` (AWS said: ${this.scrub(aws.message)})` : '';
    const operation = path.startsWith('/restapi/')
      ? 'airflow:InvokeRestApi'
      : path.startsWith('/webtoken/')
        ? 'airflow:CreateWebLoginToken'
        : 'airflow:GetEnvironment';
    const arn = `arn:aws:airflow:${this.options.region}:<account>:environment/${name}`;
    if (aws.type === 'AccessDeniedException' || aws.type === 'AccessDenied')
      return new AuthenticationError(
        `AWS denied ${operation} on the MWAA environment "${name}" to ${source}: grant ${operation} on ${arn} to that IAM principal (XCom Lens needs airflow:InvokeRestApi and airflow:GetEnvironment, or airflow:CreateWebLoginToken with &login=web), or use another profile.${said}`,
      );
    if (EXPIRED.has(aws.type))
      return new AuthenticationError(
        `The AWS credentials for MWAA (${source}) have expired: run "aws sso login" (with --profile if the URL names one) or refresh the keys, then Test Connection.${said}`,
      );
    if (BAD_KEYS.has(aws.type))
      return new AuthenticationError(
        `AWS refused the credentials for MWAA (${source}, ${aws.type}): check the access key and secret, or the profile, and the system clock.${said}`,
      );
    if (aws.type === 'ResourceNotFoundException')
      return new ConnectionError(
        `No MWAA environment named "${name}" in ${this.options.region}: check the name and the region in the connection URL.${said}`,
      );
    if (aws.type === 'ValidationException')
      return new QueryError(`MWAA rejected the request for "${name}" (ValidationException).${said}`);
    if (THROTTLING.has(aws.type))
      return new QueryError(
        `The MWAA API is throttling requests (${aws.type}) for "${name}": wait a moment and refresh.${said}`,
      );
    if (aws.status >= 500)
      return new QueryError(`The MWAA API failed (${aws.type}) for "${name}": try again in a moment.${said}`);
    return new QueryError(`The MWAA API answered ${aws.type} for "${name}".${said}`);
  }

  private scrub(text: string): string {
    const c = this.options.credentials;
    return typeof c === 'function' ? text : scrubSecrets(text, [c.secretAccessKey, c.sessionToken]);
  }
}

/** A connection the network dropped (reset, closed): retried, then `explained`. */
class DroppedConnection extends Error {
  constructor(
    readonly code: string,
    readonly explained: Error,
  ) {
    super(code);
  }
}

/** An MWAA API error answer, before it is explained. */
class AwsApiError extends Error {
  constructor(readonly aws: AwsError) {
    super(aws.type);
  }
}

/** A 4xx/5xx of the Airflow API relayed by InvokeRestApi (RestApiClientException / RestApiServerException). */
class RelayedApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Airflow API status ${status}`);
  }
}

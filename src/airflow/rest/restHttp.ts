// HTTP for the REST source: one request helper with a timeout and the caller's AbortSignal on every call, the
// credentials (basic, a JWT from POST /auth/token renewed on 401, or a pasted bearer token), TLS options, Retry-After
// on 429, and errors that say what to fix. No message or log line ever holds a password or a token.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { Agent, fetch, type Dispatcher } from 'undici';
import { CancellationError, cancellableSleep, errorMessage, throwIfCancelled } from '../../errors';
import type { Logger } from '../../logger';
import {
  AuthenticationError,
  ConnectionError,
  MetadataError,
  NotAirflowError,
  QueryError,
  scrubSecrets,
} from '../errors';

/**
 * How requests prove who they are. `login` is basic auth on /api/v1 and a JWT from /auth/token on /api/v2;
 * `provider` is a bearer token a cloud credential library issues and refreshes (Google Application Default Credentials).
 */
export type RestCredentials =
  | { kind: 'none' }
  | { kind: 'login'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | TokenProvider;

/** A source of short-lived tokens (never logged): bearer tokens, or a web session cookie. */
export interface TokenProvider {
  kind: 'provider';
  /** `cookie`: the token is a `name=value` session cookie (MWAA web login); else an Authorization bearer token. */
  sendAs?: 'bearer' | 'cookie';
  /** Where the tokens come from, for the connection's description ("Google Application Default Credentials"). */
  label: string;
  /** What to do when the server refuses the token (401/403). */
  refusedHint: string;
  /** A current token; `renew` asks for a new one after the server refused the last. */
  token(renew: boolean, signal?: AbortSignal): Promise<string>;
}

/** How the metadata source reaches the Airflow API: over HTTP ({@link RestHttp}) or through a cloud API (MWAA). */
export interface RestTransport {
  /** `/api/v1` or `/api/v2`, set once the version is known. */
  apiPath: string;
  /** Basic auth (Airflow 2) or a JWT from /auth/token (Airflow 3); only {@link RestHttp} uses it. */
  loginMode: 'basic' | 'jwt';
  /** The server (or environment) this transport reaches, for messages. */
  readonly root: string;
  /** How the connection authenticates, for the connection's description. */
  describeAuth(): string;
  /** A request under the API path (`/dags` → `/api/v2/dags`). */
  api(path: string, request?: RestRequest): Promise<RestResponse>;
  /** A request under the server root (`/api/v2/version`). */
  request(path: string, request?: RestRequest): Promise<RestResponse>;
  /** Frees sockets. */
  close(): Promise<void>;
}

/** TLS options of one connection. */
export interface RestTls {
  /** PEM file of extra CAs (a company CA), added to Node's and the system's. */
  caFile?: string;
  /** Accept any certificate. Insecure: for a test server only. */
  skipVerify?: boolean;
}

/** Options for {@link RestHttp}. */
export interface RestHttpOptions {
  /** Server root without a trailing slash. */
  root: string;
  /** Credentials from SecretStorage, as plain strings. */
  credentials: RestCredentials;
  /** Milliseconds one request may take, connect included. */
  timeoutMs: number;
  /** TLS options. */
  tls?: RestTls;
  /** Longest Retry-After honoured before giving up, in milliseconds. */
  maxRetryAfterMs?: number;
  /** Where to log (never a secret). */
  logger: Logger;
}

/** A parsed JSON answer with its status. */
export interface RestResponse {
  /** HTTP status. */
  status: number;
  /** The JSON body (undefined when the body was cut). */
  body: unknown;
  /** Set when the body was longer than `maxBodyBytes`: its start, as text, and its declared length. */
  cut?: { text: string; totalBytes: number | undefined };
}

/** One request: query values may repeat (arrays) and are dropped when undefined. */
export interface RestRequest {
  /** GET or POST. */
  method?: 'GET' | 'POST';
  /** Query parameters. */
  query?: Record<string, string | number | boolean | Array<string | number> | undefined>;
  /** JSON body for POST. */
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for a missing row). */
  allow?: number[];
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Sent without credentials (the version endpoint). */
  anonymous?: boolean;
  /** Read at most this many bytes of a successful body; the rest is not read (see RestResponse.cut). */
  maxBodyBytes?: number;
}

/** Thrown for an HTTP status the caller did not allow; `status` lets callers react. */
export class RestStatusError extends MetadataError {
  constructor(
    message: string,
    kind: MetadataError['kind'],
    readonly status: number,
  ) {
    super(message, kind);
  }
}

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'presents a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'presents a certificate signed by an unknown (self-signed) CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presents a certificate that cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'presents a certificate whose issuer is not trusted here',
  CERT_HAS_EXPIRED: 'presents an expired certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'presents a certificate for another host name',
};

/** Builds the undici dispatcher for the TLS options: Node's CAs, the system's where Node can read them, a CA file. */
function dispatcherFor(options: RestTls | undefined, timeoutMs: number): Dispatcher {
  const connect: tls.ConnectionOptions & { timeout: number } = { timeout: timeoutMs };
  if (options?.skipVerify) connect.rejectUnauthorized = false;
  else {
    const getCa = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    const ca = [...tls.rootCertificates];
    if (getCa) {
      try {
        ca.push(...getCa('system'));
      } catch {
        // Older Node: its bundled CAs only.
      }
    }
    if (options?.caFile) {
      try {
        ca.push(readFileSync(options.caFile, 'utf8'));
      } catch (error) {
        throw new ConnectionError(
          `Cannot read the CA file ${options.caFile}: ${errorMessage(error)}. Fix the path in the connection's TLS settings.`,
        );
      }
    }
    connect.ca = ca;
  }
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

/** Finds the innermost cause with a `code` (undici wraps socket and TLS errors in "fetch failed"). */
export function causeCode(error: unknown): string | undefined {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}

/** Reads a body up to `limit` bytes; stops (and drops the connection's rest of the body) past it. */
async function readAtMost(
  response: Awaited<ReturnType<typeof fetch>>,
  limit: number,
): Promise<{ text: string; cut: boolean; totalBytes: number | undefined }> {
  // A compressed answer's Content-Length counts compressed bytes: no measure of the text.
  const encoding = response.headers.get('content-encoding');
  const declared = encoding && encoding !== 'identity' ? NaN : Number(response.headers.get('content-length') ?? NaN);
  const totalBytes = Number.isFinite(declared) ? declared : undefined;
  if (!response.body || (totalBytes !== undefined && totalBytes <= limit))
    return { text: await response.text(), cut: false, totalBytes };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      const head = Buffer.concat(chunks).subarray(0, limit);
      // A character cut in two at the limit is dropped, not shown as U+FFFD.
      return { text: new TextDecoder().decode(head).replace(/\uFFFD$/, ''), cut: true, totalBytes };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut: false, totalBytes };
}

/** The short text of an API error body: Airflow 2 `detail`/`title`, Airflow 3 `detail` (string or list). */
function detailOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const detail = (body as { detail?: unknown; title?: unknown }).detail ?? (body as { title?: unknown }).title;
  if (typeof detail === 'string') return detail.slice(0, 300);
  if (Array.isArray(detail))
    return detail
      .map((d) => (d && typeof d === 'object' && 'msg' in d ? String(d.msg) : String(d)))
      .join('; ')
      .slice(0, 300);
  return undefined;
}

/** What to do about a 401 or a 403, in the words of the connection's kind of credentials. */
export interface AuthFixes {
  /** After "Not authorized (401) for GET /dags: ". */
  unauthorized: string;
  /** After "Forbidden (403) for GET /dags: ". */
  forbidden: string;
}

/** The error for an HTTP status the caller did not allow: one wording for every transport. */
export function restStatusError(
  where: string,
  status: number,
  body: unknown,
  retryAfter: string | null,
  fixes: AuthFixes,
  scrub: (text: string) => string,
): RestStatusError {
  const detail = detailOf(body);
  const said = detail ? ` (the server said: ${scrub(detail)})` : '';
  if (status === 401)
    return new RestStatusError(`Not authorized (401) for ${where}: ${fixes.unauthorized}.${said}`, 'auth', status);
  if (status === 403)
    return new RestStatusError(`Forbidden (403) for ${where}: ${fixes.forbidden}.${said}`, 'auth', status);
  if (status === 404) return new RestStatusError(`Not found (404): ${where}.${said}`, 'query', status);
  if (status === 429) {
    return new RestStatusError(
      `The server is rate limiting requests (429)${retryAfter ? `; it asks to retry after ${retryAfter} s` : ''}: wait and refresh.`,
      'query',
      status,
    );
  }
  return new RestStatusError(`${where} failed with HTTP ${status}.${said}`, 'query', status);
}

/** The error for a request that got no answer: cancelled, timed out, refused, unknown host, TLS. */
export function networkFailure(
  error: unknown,
  url: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  timeout: AbortSignal,
  scrub: (text: string) => string,
): Error {
  if (signal?.aborted) return new CancellationError();
  const seconds = Math.round(timeoutMs / 1000);
  if (timeout.aborted) {
    return new QueryError(
      `${url.host} did not answer within ${seconds} s: check the URL and that the API server is up (or raise xcomLens.queryTimeoutSeconds).`,
      'timeout',
    );
  }
  const code = causeCode(error);
  if (code && TLS_CODES[code]) {
    return new ConnectionError(
      `${url.host} ${TLS_CODES[code]} (${code}). Add your company CA file to the connection's TLS settings, or, for a test server only, turn on "skip certificate verification".`,
    );
  }
  if (code === 'ECONNREFUSED')
    return new ConnectionError(
      `Nothing listens at ${url.host} (connection refused): check the URL and that the Airflow API server is running.`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConnectionError(`Unknown host ${url.hostname}: check the URL (and VPN).`);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new QueryError(
      `${url.host} did not answer within ${seconds} s: check the URL and that the API server is up.`,
      'timeout',
    );
  }
  return new ConnectionError(
    scrub(`Request to ${url.host} failed (${code ?? errorMessage(error)}): check the URL and the network.`),
  );
}

/** The HTTP side of the REST source. */
export class RestHttp implements RestTransport {
  /** `/api/v1` or `/api/v2`, set once the version is known. */
  apiPath = '/api/v2';
  /** Basic auth (Airflow 2) or a JWT from /auth/token (Airflow 3), for login credentials. */
  loginMode: 'basic' | 'jwt' = 'basic';
  private readonly dispatcher: Dispatcher;
  private jwt: string | undefined;
  private jwtRequest: Promise<string> | undefined;
  private readonly secrets: string[];
  private basic: string | undefined;
  /** The last token a {@link TokenProvider} gave, scrubbed from messages like the other secrets. */
  private providedToken: string | undefined;
  private renewProvidedToken = false;

  constructor(private readonly options: RestHttpOptions) {
    this.dispatcher = dispatcherFor(options.tls, options.timeoutMs);
    const c = options.credentials;
    this.secrets =
      c.kind === 'login' ? [c.password, encodeURIComponent(c.password)] : c.kind === 'bearer' ? [c.token] : [];
  }

  /** The server root. */
  get root(): string {
    return this.options.root;
  }

  /** How the connection authenticates, for the connection's description. */
  describeAuth(): string {
    const c = this.options.credentials;
    if (c.kind === 'bearer') return 'bearer token';
    if (c.kind === 'provider') return c.label;
    if (c.kind === 'none') return 'no credentials';
    return this.loginMode === 'jwt' ? 'JWT (password login)' : 'basic auth';
  }

  /** Removes every secret from a text. */
  scrub(text: string): string {
    return scrubSecrets(text, [...this.secrets, this.jwt, this.providedToken]);
  }

  /** A request under the API path (`/dags` → `{root}/api/v2/dags`). */
  async api(path: string, request: RestRequest = {}): Promise<RestResponse> {
    return this.request(`${this.apiPath}${path}`, request);
  }

  /** A request under the server root, with auth, timeout, 401 renewal and 429 retry. */
  async request(path: string, request: RestRequest = {}): Promise<RestResponse> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(path, request);
      if (response.status === 401 && !request.anonymous && !renewed && this.canRenew()) {
        renewed = true;
        this.jwt = undefined;
        this.renewProvidedToken = true;
        this.options.logger.info('The API token was refused (401): getting a new one');
        continue;
      }
      if (response.status === 429 && attempt < 2) {
        const waitMs = this.retryAfterMs(response.headers.get('retry-after'));
        if (waitMs !== undefined) {
          this.options.logger.info(`Rate limited on ${path}: retrying in ${Math.ceil(waitMs / 1000)} s`);
          await cancellableSleep(waitMs, request.signal);
          continue;
        }
      }
      return this.parse(path, response, request);
    }
  }

  /** Posts a form without credentials (a web login) and returns the status and the `name=value` cookies it sets. */
  async postForm(
    path: string,
    form: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ status: number; cookies: string[] }> {
    throwIfCancelled(signal);
    const url = new URL(`${this.options.root}${path}`);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        dispatcher: this.dispatcher,
        redirect: 'manual',
      });
      await response.body?.cancel();
      this.options.logger.debug(`POST ${url.pathname} → ${response.status}`);
      return { status: response.status, cookies: response.headers.getSetCookie().map((c) => c.split(';')[0].trim()) };
    } catch (error) {
      throw this.networkError(error, url, signal, timeout);
    }
  }

  /** Closes pooled sockets. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private canRenew(): boolean {
    const { kind } = this.options.credentials;
    return kind === 'provider' || (kind === 'login' && this.loginMode === 'jwt');
  }

  private retryAfterMs(header: string | null): number | undefined {
    if (!header) return 1000;
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    const max = this.options.maxRetryAfterMs ?? 10_000;
    if (!Number.isFinite(ms)) return 1000;
    return ms <= max ? Math.max(0, ms) : undefined;
  }

  private async authorization(signal: AbortSignal | undefined): Promise<string | undefined> {
    const c = this.options.credentials;
    if (c.kind === 'bearer') return `Bearer ${c.token}`;
    if (c.kind === 'none') return undefined;
    if (c.kind === 'provider') {
      const renew = this.renewProvidedToken;
      this.renewProvidedToken = false;
      this.providedToken = await c.token(renew, signal);
      return c.sendAs === 'cookie' ? undefined : `Bearer ${this.providedToken}`;
    }
    if (this.loginMode === 'basic')
      return (this.basic ??= `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`);
    this.jwt ??= await (this.jwtRequest ??= this.fetchJwt(c.username, c.password, signal).finally(() => {
      this.jwtRequest = undefined;
    }));
    return `Bearer ${this.jwt}`;
  }

  private async fetchJwt(username: string, password: string, signal: AbortSignal | undefined): Promise<string> {
    const response = await this.send('/auth/token', {
      method: 'POST',
      body: { username, password },
      anonymous: true,
      ...(signal ? { signal } : {}),
    });
    if (response.status === 401 || response.status === 403 || response.status === 400 || response.status === 422) {
      throw new AuthenticationError(
        `Airflow refused the user name or password (POST /auth/token answered ${response.status}): check them in Edit Connection.`,
      );
    }
    if (response.status === 404) {
      throw new AuthenticationError(
        'This server has no /auth/token endpoint, so it does not take a password: paste an API token (bearer) instead.',
      );
    }
    const { body } = await this.parse('/auth/token', response, {});
    const token = (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token !== 'string' || !token)
      throw new NotAirflowError('POST /auth/token answered without an access_token: is this the Airflow API server?');
    this.options.logger.info('Got an API token from /auth/token');
    return token;
  }

  private async send(path: string, request: RestRequest): Promise<Awaited<ReturnType<typeof fetch>>> {
    throwIfCancelled(request.signal);
    const url = new URL(`${this.options.root}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!request.anonymous) {
      const authorization = await this.authorization(request.signal);
      if (authorization) headers.authorization = authorization;
      const c = this.options.credentials;
      if (c.kind === 'provider' && c.sendAs === 'cookie' && this.providedToken) headers.cookie = this.providedToken;
    }
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const started = Date.now();
    try {
      const response = await fetch(url, {
        method: request.method ?? 'GET',
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal,
        dispatcher: this.dispatcher,
        redirect: 'manual',
      });
      this.options.logger.debug(
        `${request.method ?? 'GET'} ${url.pathname} → ${response.status} (${Date.now() - started} ms)`,
      );
      return response;
    } catch (error) {
      throw this.networkError(error, url, request.signal, timeout);
    }
  }

  private networkError(error: unknown, url: URL, signal: AbortSignal | undefined, timeout: AbortSignal): Error {
    return networkFailure(error, url, this.options.timeoutMs, signal, timeout, (t) => this.scrub(t));
  }

  private async parse(
    path: string,
    response: Awaited<ReturnType<typeof fetch>>,
    request: RestRequest,
  ): Promise<RestResponse> {
    const type = response.headers.get('content-type') ?? '';
    const where = `${request.method ?? 'GET'} ${path.split('?')[0]}`;
    let text: string;
    let cut: RestResponse['cut'];
    try {
      if (request.maxBodyBytes !== undefined && response.ok) {
        const read = await readAtMost(response, request.maxBodyBytes);
        text = read.text;
        if (read.cut) cut = { text, totalBytes: read.totalBytes };
      } else text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw new CancellationError();
      throw new QueryError(`The answer to ${where} was cut off (${errorMessage(error)}): try again.`, 'timeout');
    }
    if (response.status >= 300 && response.status < 400) {
      throw new NotAirflowError(
        `${where} was redirected (${response.status}) to ${this.scrub(response.headers.get('location') ?? 'another page')}: this looks like a login page (an SSO proxy). Use the API server's own URL, or paste an API token as a bearer token.`,
      );
    }
    if (/text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(text)) {
      // Airflow 2's web server answers paths outside /api/v1 (the /api/v2 version probe) with its HTML 404 page.
      if (response.status === 404 && request.allow?.includes(404)) return { status: 404, body: undefined };
      throw new NotAirflowError(
        `${where} answered with an HTML page instead of JSON (status ${response.status}), likely a login page of an SSO proxy: use the API server's own URL, or paste an API token as a bearer token.`,
      );
    }
    if (cut) return { status: response.status, body: undefined, cut };
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok)
          throw new NotAirflowError(
            `${where} answered with something that is not JSON: is this the Airflow web/API server's URL?`,
          );
      }
    }
    if (response.ok || request.allow?.includes(response.status)) return { status: response.status, body };
    throw this.statusError(where, response.status, body, response.headers.get('retry-after'));
  }

  private statusError(where: string, status: number, body: unknown, retryAfter: string | null): Error {
    return restStatusError(where, status, body, retryAfter, this.authFixes(), (t) => this.scrub(t));
  }

  private authFixes(): AuthFixes {
    const c = this.options.credentials;
    if (c.kind === 'provider') return { unauthorized: c.refusedHint, forbidden: c.refusedHint };
    return {
      unauthorized:
        c.kind === 'bearer'
          ? 'the token is expired or invalid: paste a new one in Edit Connection'
          : c.kind === 'none'
            ? 'this server needs credentials: add a user name and password, or a token, in Edit Connection'
            : this.loginMode === 'basic'
              ? 'check the user name and password, and that [api] auth_backends includes basic_auth'
              : 'the user name or password was refused: check them in Edit Connection',
      forbidden:
        c.kind === 'bearer'
          ? 'the token is invalid or its user lacks this permission'
          : 'the Airflow user lacks this permission (XComs need the Viewer role or "can read on XComs")',
    };
  }
}

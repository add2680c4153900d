// The REST transport of an MWAA environment where InvokeRestApi is not allowed (`mwaa://<name>?…&login=web`):
// CreateWebLoginToken gives a one-minute token and the web server's host name; POST /aws_mwaa/login with the form
// `token=` gives Airflow's `session` cookie; the REST API of the web server is then called over HTTPS with that
// cookie, and a refused session (401) is replaced by a new login. Neither token nor cookie is ever logged.
import type { Logger } from '../../logger';
import { AuthenticationError } from '../errors';
import type { MwaaApi } from './mwaaApi';
import {
  RestHttp,
  type RestRequest,
  type RestResponse,
  type RestTls,
  type RestTransport,
  type TokenProvider,
} from './restHttp';

/** Options for {@link MwaaWebLoginTransport}. */
export interface MwaaWebLoginOptions {
  /** The environment name. */
  name: string;
  /** The region, for the description. */
  region: string;
  /** The MWAA API client. */
  api: MwaaApi;
  /** Where the AWS credentials come from, for the description. */
  credentialSource: string;
  /** Milliseconds one request may take. */
  timeoutMs: number;
  /** TLS options for the web server. */
  tls?: RestTls;
  /** Where to log. */
  logger: Logger;
}

/** A {@link RestTransport} over the web server, signed in with an MWAA web login token. */
export class MwaaWebLoginTransport implements RestTransport {
  private http: Promise<RestHttp> | undefined;
  private path = '/api/v2';
  private mode: 'basic' | 'jwt' = 'basic';
  private resolvedRoot: string | undefined;

  constructor(private readonly options: MwaaWebLoginOptions) {}

  get apiPath(): string {
    return this.path;
  }

  set apiPath(value: string) {
    this.path = value;
    void this.http?.then((h) => (h.apiPath = value));
  }

  get loginMode(): 'basic' | 'jwt' {
    return this.mode;
  }

  set loginMode(value: 'basic' | 'jwt') {
    this.mode = value;
  }

  get root(): string {
    return this.resolvedRoot ?? `MWAA environment ${this.options.name} (${this.options.region})`;
  }

  describeAuth(): string {
    return `MWAA web login · ${this.options.credentialSource}`;
  }

  async api(path: string, request: RestRequest = {}): Promise<RestResponse> {
    const http = await this.connect(request.signal);
    http.apiPath = this.path;
    return http.api(path, request);
  }

  async request(path: string, request: RestRequest = {}): Promise<RestResponse> {
    return (await this.connect(request.signal)).request(path, request);
  }

  async close(): Promise<void> {
    const http = await this.http?.catch(() => undefined);
    await http?.close();
  }

  /** The first call asks for a web login token, which names the web server; that token signs the first session in. */
  private connect(signal: AbortSignal | undefined): Promise<RestHttp> {
    this.http ??= this.open(signal).catch((error: unknown) => {
      this.http = undefined;
      throw error;
    });
    return this.http;
  }

  private async open(signal: AbortSignal | undefined): Promise<RestHttp> {
    const { api, name, logger } = this.options;
    let first: string | undefined;
    const login = await api.createWebLoginToken(name, signal);
    first = login.webToken;
    const root = `https://${login.hostname}`;
    this.resolvedRoot = root;
    let cookie: string | undefined;
    const session: TokenProvider = {
      kind: 'provider',
      sendAs: 'cookie',
      label: `MWAA web login · ${this.options.credentialSource}`,
      refusedHint:
        'the MWAA web server refused the web login session: check that your IAM principal may call airflow:CreateWebLoginToken and is mapped to an Airflow role of Viewer or above (web login gives an Airflow 2 session; for Airflow 3 environments leave out &login=web to use InvokeRestApi)',
      token: async (renew: boolean, tokenSignal?: AbortSignal): Promise<string> => {
        if (cookie && !renew) return cookie;
        const webToken = first ?? (await api.createWebLoginToken(name, tokenSignal)).webToken;
        first = undefined;
        const answer = await http.postForm('/aws_mwaa/login', { token: webToken }, tokenSignal);
        const found = answer.cookies.find((c) => c.startsWith('session='));
        if (!found)
          throw new AuthenticationError(
            `The MWAA web server ${login.hostname} did not accept the web login token (POST /aws_mwaa/login answered ${answer.status} without a session): web login works for Airflow 2 environments (for Airflow 3 leave out &login=web to use InvokeRestApi), and needs airflow:CreateWebLoginToken.`,
          );
        logger.info(`Signed in to ${login.hostname} with an MWAA web login token`);
        cookie = found;
        return found;
      },
    };
    const http = new RestHttp({
      root,
      credentials: session,
      timeoutMs: this.options.timeoutMs,
      logger,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    });
    http.apiPath = this.path;
    return http;
  }
}

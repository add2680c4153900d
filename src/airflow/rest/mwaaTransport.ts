// The REST transport of an Amazon MWAA environment: every Airflow API request goes through the MWAA API's
// InvokeRestApi, so no network path to the web server is needed. The API generation comes from GetEnvironment's
// AirflowVersion, else (without airflow:GetEnvironment) from the version endpoint through InvokeRestApi.
import { CancellationError } from '../../errors';
import type { Logger } from '../../logger';
import { AuthenticationError, NotAirflowError } from '../errors';
import type { MwaaApi } from './mwaaApi';
import { restStatusError, type RestRequest, type RestResponse, type RestTransport } from './restHttp';

/** Options for {@link MwaaTransport}. */
export interface MwaaTransportOptions {
  /** The environment name. */
  name: string;
  /** The region, for the description. */
  region: string;
  /** The MWAA API client. */
  api: MwaaApi;
  /** Where the AWS credentials come from, for the description. */
  credentialSource: string;
  /** Where to log. */
  logger: Logger;
}

const FIXES = {
  unauthorized:
    'MWAA did not accept the call on behalf of your IAM principal: check that it may call airflow:InvokeRestApi on this environment',
  forbidden:
    'the Airflow role MWAA maps to your IAM principal lacks this permission (XComs need the Viewer role or "can read on XComs"); ask for a role with airflow:InvokeRestApi mapped to Viewer or above',
};

/** A {@link RestTransport} over InvokeRestApi. */
export class MwaaTransport implements RestTransport {
  apiPath = '/api/v2';
  loginMode: 'basic' | 'jwt' = 'basic';
  private generation: Promise<2 | 3> | undefined;

  constructor(private readonly options: MwaaTransportOptions) {}

  get root(): string {
    return `MWAA environment ${this.options.name} (${this.options.region})`;
  }

  describeAuth(): string {
    return `MWAA InvokeRestApi · ${this.options.credentialSource}`;
  }

  async api(path: string, request: RestRequest = {}): Promise<RestResponse> {
    return this.invoke(path, request);
  }

  async request(path: string, request: RestRequest = {}): Promise<RestResponse> {
    const m = /^\/api\/v([12])(\/.*)$/.exec(path);
    if (!m) return { status: 404, body: undefined };
    // The environment runs one Airflow: the version probe of the other API generation answers as a server would.
    const wanted = m[1] === '1' ? 2 : 3;
    if ((await this.environmentGeneration(request.signal)) !== wanted && request.allow?.includes(404))
      return { status: 404, body: undefined };
    return this.invoke(m[2], request);
  }

  async close(): Promise<void> {
    await this.options.api.close();
  }

  /** The environment's Airflow generation: GetEnvironment, else the version endpoint through InvokeRestApi. */
  private environmentGeneration(signal: AbortSignal | undefined): Promise<2 | 3> {
    this.generation ??= this.detectGeneration(signal).catch((error: unknown) => {
      this.generation = undefined;
      throw error;
    });
    return this.generation;
  }

  private async detectGeneration(signal: AbortSignal | undefined): Promise<2 | 3> {
    const { api, name, logger } = this.options;
    let version: string | undefined;
    try {
      version = (await api.getEnvironment(name, signal)).airflowVersion;
    } catch (error) {
      if (
        error instanceof CancellationError ||
        !(error instanceof AuthenticationError) ||
        !/GetEnvironment/.test(error.message)
      )
        throw error;
      logger.info(`GetEnvironment on ${name} was denied: reading the version through InvokeRestApi instead`);
    }
    if (!version) {
      const r = await api.invokeRestApi(name, { path: '/version', method: 'GET', ...(signal ? { signal } : {}) });
      const v = (r.body as { version?: unknown } | undefined)?.version;
      if (r.status !== 200 || typeof v !== 'string')
        throw new NotAirflowError(
          `The MWAA environment ${name} answered GET /version with ${r.status} and no Airflow version: check that the environment is AVAILABLE.`,
        );
      version = v;
    }
    const major = parseInt(version, 10);
    return major >= 3 ? 3 : 2;
  }

  private async invoke(path: string, request: RestRequest): Promise<RestResponse> {
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      query[key] = Array.isArray(value) ? value.map(String) : String(value);
    }
    const method = request.method ?? 'GET';
    const r = await this.options.api.invokeRestApi(this.options.name, {
      path,
      method,
      query,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if ((r.status >= 200 && r.status < 300) || request.allow?.includes(r.status)) return r;
    throw restStatusError(`${method} ${path}`, r.status, r.body, null, FIXES, (t) => t);
  }
}

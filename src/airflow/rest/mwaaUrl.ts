// Connection URLs of Amazon MWAA environments: `mwaa://<environment-name>?region=<region>[&profile=<profile>]`
// [&endpoint=<url>] for a VPC endpoint or a test server). Requests go through the MWAA API (InvokeRestApi), so the
// web server itself need not be reachable. A web server URL (`https://<id>.c<n>.<region>.airflow.amazonaws.com|on.aws`)
// names the region but not the environment: Add Connection asks for the name.

/** The parts of an MWAA connection URL. */
export interface MwaaTarget {
  /** The environment name (`MyAirflowEnvironment`). */
  name: string;
  /** AWS region, if the URL names one (else the profile's or the environment's). */
  region?: string;
  /** Named profile of ~/.aws/config, if any. */
  profile?: string;
  /** `web`: sign in to the web server with a web login token (CreateWebLoginToken) instead of InvokeRestApi. */
  login?: 'web';
  /** The MWAA API endpoint instead of `https://{api,env}.airflow.<region>.amazonaws.com`. */
  endpoint?: string;
}

/** True for an `mwaa://` connection URL. */
export function isMwaaUrl(url: string): boolean {
  return /^mwaa:\/\//i.test(url.trim());
}

const NAME = /^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** Parses an `mwaa://` URL; throws a message that says what to write instead. */
export function parseMwaaUrl(url: string): MwaaTarget {
  const usage =
    'write it as mwaa://<environment-name>?region=<region>, e.g. mwaa://MyAirflowEnvironment?region=eu-west-1';
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(`Not a valid MWAA connection URL: ${usage}`);
  }
  const name = decodeURIComponent(parsed.hostname || parsed.pathname.replace(/^\/+/, ''));
  if (!NAME.test(name)) {
    throw new Error(
      `'${name}' is not an MWAA environment name (a letter, then up to 79 letters, digits, - or _): ${usage}`,
    );
  }
  const unknown = [...parsed.searchParams.keys()].filter(
    (k) => !['region', 'profile', 'endpoint', 'login'].includes(k),
  );
  if (unknown.length) throw new Error(`Unknown parameter ${unknown.join(', ')} in the MWAA URL: ${usage}`);
  const region = parsed.searchParams.get('region')?.trim() || undefined;
  if (region && !REGION.test(region)) throw new Error(`'${region}' is not an AWS region (e.g. eu-west-1): ${usage}`);
  const endpoint = parsed.searchParams.get('endpoint')?.trim() || undefined;
  if (endpoint && !isAwsOrLocalEndpoint(endpoint))
    throw new Error(
      `The MWAA endpoint '${endpoint}' must be an https URL of an AWS host (a VPC endpoint, https://vpce-….amazonaws.com) or an http(s) URL on this machine (localhost): requests to it are signed with your AWS credentials.`,
    );
  const profile = parsed.searchParams.get('profile')?.trim() || undefined;
  const login = parsed.searchParams.get('login')?.trim() || undefined;
  if (login && login !== 'web')
    throw new Error(
      `login=${login} is not known: leave it out (InvokeRestApi), or write login=web for a web login token`,
    );
  return {
    name,
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(login ? { login: 'web' as const } : {}),
  };
}

/** An endpoint that may receive requests signed with the user's AWS credentials: AWS's own hosts, or loopback. */
function isAwsOrLocalEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  if (['localhost', '127.0.0.1', '[::1]'].includes(host)) return url.protocol === 'http:' || url.protocol === 'https:';
  return url.protocol === 'https:' && /\.amazonaws\.com(?:\.cn)?$|\.api\.aws$/.test(host);
}

/**
 * The region of an MWAA web server URL (`https://<id>.c2.eu-west-1.airflow.amazonaws.com/home`, or `….airflow.on.aws`
 * for environments created since August 2025), else undefined.
 */
export function mwaaWebServerRegion(url: string): string | undefined {
  try {
    const host = new URL(url.trim()).hostname.toLowerCase();
    const m = /^[0-9a-z-]+(?:\.c\d+)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.airflow\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/.exec(
      host,
    );
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** `mwaa://<name>?region=<region>[&profile=…]` for the parts. */
export function mwaaUrl(target: MwaaTarget): string {
  const query = new URLSearchParams();
  if (target.region) query.set('region', target.region);
  if (target.profile) query.set('profile', target.profile);
  if (target.endpoint) query.set('endpoint', target.endpoint);
  if (target.login) query.set('login', target.login);
  const q = query.toString();
  return `mwaa://${target.name}${q ? `?${q}` : ''}`;
}

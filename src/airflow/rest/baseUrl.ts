// The base URL of an Airflow web/API server as users copy it from the browser: `https://host/…/home`,
// `…/api/v1`, `…/api/v2`, `…/dags/x/grid`. The server root is what is left once Airflow's own paths are cut.

/** True when a connection URL points at an Airflow API server rather than a metadata DB. */
export function isRestUrl(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}

/** A server root and the API generation the pasted URL named, if any. */
export interface RestBaseUrl {
  /** The server root without a trailing slash (`https://airflow.example.com/team-a`). */
  root: string;
  /** 1 or 2 when the URL held `/api/v1` or `/api/v2`. */
  pastedApi?: 1 | 2;
}

const AIRFLOW_PATHS =
  /\/(?:api\/v[12]|home|dags|dagrun|taskinstance|xcom|auth|login|browse|admin|connection)(?:[/?#].*)?$/i;

/** Parses an http(s) base URL; throws a message users understand for anything else. Credentials are dropped. */
export function parseRestBaseUrl(url: string): RestBaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error('Not a valid URL: paste the Airflow UI address, e.g. https://airflow.example.com');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(
      `Unsupported scheme '${parsed.protocol.replace(':', '')}': an Airflow API URL starts with https://`,
    );
  }
  const api = /\/api\/v([12])(?:[/?#]|$)/i.exec(parsed.pathname);
  let path = parsed.pathname.replace(AIRFLOW_PATHS, '').replace(/\/+$/, '');
  if (path === '/') path = '';
  return { root: `${parsed.protocol}//${parsed.host}${path}`, ...(api ? { pastedApi: Number(api[1]) as 1 | 2 } : {}) };
}

/** The username in a REST connection URL (`https://user@host`), percent-decoded, or undefined. */
export function restUserOf(url: string): string | undefined {
  try {
    const user = new URL(url.trim()).username;
    return user ? decodeURIComponent(user) : undefined;
  } catch {
    return undefined;
  }
}

/** True for a Composer web server (`https://<id>-dot-<region>.composer.googleusercontent.com`). */
export function isComposerUrl(url: string): boolean {
  try {
    return /\.composer\.googleusercontent\.com$/i.test(new URL(url.trim()).hostname);
  } catch {
    return false;
  }
}

// Bearer tokens for a Google Cloud Composer web server from Application Default Credentials (google-auth-library):
// GOOGLE_APPLICATION_CREDENTIALS (a service-account key file), gcloud's application-default user credentials, or
// the metadata server on Google Cloud. The library caches and refreshes the tokens; none is ever logged.
import { errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import { AuthenticationError } from '../errors';
import type { TokenProvider } from './restHttp';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A token provider over Application Default Credentials; google-auth-library is loaded on the first request. */
export function googleTokenProvider(logger: Logger): TokenProvider {
  type Client = { credentials: object; getAccessToken(): Promise<{ token?: string | null }> };
  let client: Promise<Client> | undefined;
  const load = async (): Promise<Client> => {
    const { GoogleAuth } = await import('google-auth-library');
    return (await new GoogleAuth({ scopes: [SCOPE] }).getClient()) as unknown as Client;
  };
  return {
    kind: 'provider',
    label: 'Google Application Default Credentials',
    refusedHint:
      'the Composer web server refused the Google credentials: check that the account has the Composer User role and an Airflow role (Viewer or above) in the environment, or sign in again with "gcloud auth application-default login"',
    async token(renew: boolean): Promise<string> {
      try {
        client ??= load().catch((error: unknown) => {
          client = undefined;
          throw error;
        });
        const c = await client;
        // After a 401 the cached token counts as expired (its refresh token, if any, is kept), so the library
        // fetches a new one.
        if (renew) c.credentials = { ...c.credentials, expiry_date: 1 };
        const { token } = await c.getAccessToken();
        if (!token) throw new Error('the credentials gave no access token');
        return token;
      } catch (error) {
        const message = errorMessage(error);
        logger.warn(`Google Application Default Credentials failed: ${message.split('\n')[0].slice(0, 200)}`);
        if (/could not load the default credentials/i.test(message))
          throw new AuthenticationError(
            'No Google Application Default Credentials found: run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, then Test Connection.',
          );
        throw new AuthenticationError(
          `Google refused the Application Default Credentials (${message.split('\n')[0].slice(0, 200)}): run "gcloud auth application-default login" again, or check the key file GOOGLE_APPLICATION_CREDENTIALS names.`,
        );
      }
    },
  };
}

// Real servers for the integration tests, started lazily on loopback, on free ports, inside this run's temp
// folder, and stopped by mochaGlobalTeardown (globalSetup.ts) even when tests fail. A server that cannot start
// fails the tests that asked for it: nothing is skipped.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '../fixtures/servers/runningServer';
import { makeRunFolder, type RunFolder } from '../harness/runFolder';

/** A PostgreSQL or MariaDB server: `url` like postgresql://user@127.0.0.1:PORT/db. */
export type DatabaseServer = RunningServer & { url: string; port: number };

/** An S3-compatible server (s3rver) and the credentials it accepts. */
export type S3Server = RunningServer & {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
};

/** What the extension-host tests receive in the XCOM_LENS_TEST_SERVICES environment variable (JSON). */
export interface TestServices {
  /** Always present in the extension-host level. */
  s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };
  /** Present when the launcher was asked for PostgreSQL. */
  postgres?: { url: string };
  /** Present when the launcher was asked for MariaDB. */
  mariadb?: { url: string };
}

/** Name of the environment variable carrying {@link TestServices}. */
export const TEST_SERVICES_ENV = 'XCOM_LENS_TEST_SERVICES';

let runFolder: RunFolder | undefined;
const started: RunningServer[] = [];
const pending = new Map<string, Promise<unknown>>();

/** The temp folder of this run (created on first use); servers keep their data under it. */
export function serviceRunDir(): string {
  if (!runFolder) {
    runFolder = makeRunFolder('xcom-lens-services-');
    // PostgreSQL refuses to run as root: its starter runs it as the postgres user, who must reach its folder.
    chmodSync(runFolder.path, 0o755);
  }
  return runFolder.path;
}

function lazy<T extends RunningServer>(name: string, start: (workDir: string) => Promise<T>): () => Promise<T> {
  return () => {
    let promise = pending.get(name) as Promise<T> | undefined;
    if (!promise) {
      const workDir = join(serviceRunDir(), name);
      mkdirSync(workDir, { recursive: true });
      promise = start(workDir).then(
        (server) => {
          started.push(server);
          return server;
        },
        (error: unknown) => {
          throw new Error(`could not start ${name}: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        },
      );
      pending.set(name, promise);
    }
    return promise;
  };
}

/** The run's PostgreSQL server, started on first call. */
export const postgres = lazy<DatabaseServer>('postgres', async (dir) =>
  (await import('../fixtures/servers/postgres.js')).startPostgres(dir),
);

/** The run's MariaDB server, started on first call. */
export const mariadb = lazy<DatabaseServer>('mariadb', async (dir) =>
  (await import('../fixtures/servers/mariadb.js')).startMariaDb(dir),
);

/** The run's S3-compatible server, started on first call. */
export const s3 = lazy<S3Server>('s3', async (dir) => (await import('../fixtures/servers/s3.js')).startS3Server(dir));

/** Stops every server started so far (in reverse order) and removes the run's temp folder. */
export async function stopServices(): Promise<void> {
  await Promise.allSettled([...pending.values()]);
  const errors: unknown[] = [];
  for (const server of started.splice(0).reverse()) {
    try {
      await server.stop();
    } catch (error) {
      errors.push(error);
    }
  }
  pending.clear();
  runFolder?.remove();
  runFolder = undefined;
  if (errors.length) throw new AggregateError(errors, 'some test servers did not stop cleanly');
}

/** Which servers {@link startTestServices} should start. */
export interface ServiceSelection {
  /** Start s3rver (the extension-host level always does). */
  s3: boolean;
  /** Start PostgreSQL. */
  postgres: boolean;
  /** Start MariaDB. */
  mariadb: boolean;
}

/** Starts the selected servers for the extension-host launcher; returns their coordinates as {@link TestServices}. */
export async function startTestServices(selection: ServiceSelection): Promise<TestServices> {
  const [s3Server, pgServer, myServer] = await Promise.all([
    selection.s3 ? s3() : undefined,
    selection.postgres ? postgres() : undefined,
    selection.mariadb ? mariadb() : undefined,
  ]);
  const services: TestServices = {};
  if (s3Server) {
    const { endpoint, accessKeyId, secretAccessKey, region } = s3Server;
    services.s3 = { endpoint, accessKeyId, secretAccessKey, region };
  }
  if (pgServer) services.postgres = { url: pgServer.url };
  if (myServer) services.mariadb = { url: myServer.url };
  return services;
}

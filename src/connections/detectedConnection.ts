// The connection a new user sees on first open, chosen from what Airflow's own configuration names. No vscode here.
import { createHash } from 'node:crypto';
import { redactUrl, withoutPassword } from '../airflow/connectionUrl';
import { defaultConnectionName } from './connectionName';
import type { ConnectionConfig } from '../config';

/** A connection found in Airflow's own configuration, shown unsaved: nothing of it is written anywhere. */
export interface DetectedConnection {
  /** The connection as the tree shows it: a `detected-` id from its URL, the URL without password. */
  connection: ConnectionConfig;
  /** The URL as Airflow's configuration gives it (a password in it stays in memory until Save). */
  url: string;
  /** Where it came from ("env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "/home/me/airflow/airflow.cfg [api] base_url"). */
  origin: string;
  /** Other connections Airflow's configuration names, for the tooltip ("API server http://localhost:8080 (…)"). */
  alsoFound: string[];
}

/** A URL Airflow's configuration names, and where. */
export interface FoundUrl {
  /** The URL as given (may hold a password). */
  url: string;
  /** Where it came from. */
  origin: string;
}

/** What Airflow's configuration names on this machine, as Detect and first open use it. */
export interface AirflowConfiguration {
  /** Metadata DB URLs, in Airflow's lookup order (the first is the one Airflow itself uses). */
  databases: FoundUrl[];
  /** API server base URLs (`[api] base_url`, `[webserver] base_url`). */
  apiServers: FoundUrl[];
  /** Settings that name the DB through a command or secrets backend (never run). */
  commands: string[];
  /** airflow.cfg files Airflow itself could not read, with the line. */
  problems: string[];
}

/** The id a detected connection has in the tree and in the dismissed list: the same for the same URL. */
export function detectedConnectionId(url: string): string {
  return `detected-${createHash('sha256').update(withoutPassword(url)).digest('hex').slice(0, 16)}`;
}

/**
 * The connection a user sees on first open: the one Airflow's own configuration names (the metadata DB before an
 * API server, as it needs no login), unsaved until Save, hidden in this workspace after Dismiss until Detect runs.
 */
export function detectedFrom(config: AirflowConfiguration): DetectedConnection | undefined {
  const [first] = [...config.databases, ...config.apiServers];
  if (!first) return undefined;
  const others = [...config.databases, ...config.apiServers].filter((f) => f !== first);
  return {
    connection: {
      id: detectedConnectionId(first.url),
      name: defaultConnectionName(first.url),
      url: withoutPassword(first.url),
    },
    url: first.url,
    origin: first.origin,
    alsoFound: others.map((o) => `${redactUrl(o.url)} (${o.origin})`),
  };
}

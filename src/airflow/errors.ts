// Errors the metadata source raises, with messages users understand. Messages never contain a password.

/** Base class: `kind` lets callers react without parsing messages. */
export class MetadataError extends Error {
  constructor(
    message: string,
    readonly kind:
      'connection' | 'auth' | 'notAirflow' | 'unsupportedVersion' | 'query' | 'timeout' | 'readOnly' | 'file',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The DB cannot be reached (refused, unknown host, timeout while connecting). */
export class ConnectionError extends MetadataError {
  constructor(message: string, options?: { cause?: unknown; kind?: MetadataError['kind'] }) {
    super(message, options?.kind ?? 'connection', options);
  }
}

/** The server refused the credentials. */
export class AuthenticationError extends ConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, kind: 'auth' });
  }
}

/** The DB is reachable but holds no Airflow metadata tables. */
export class NotAirflowError extends ConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, kind: 'notAirflow' });
  }
}

/** The Airflow schema is older or newer than XCom Lens reads. */
export class UnsupportedVersionError extends ConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, kind: 'unsupportedVersion' });
  }
}

/** The SQLite file is missing or not a database. */
export class DatabaseFileError extends ConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, kind: 'file' });
  }
}

/** A query failed or timed out (a cancel is a CancellationError from src/errors.ts). */
export class QueryError extends MetadataError {
  constructor(message: string, kind: 'query' | 'timeout' | 'readOnly' = 'query', options?: { cause?: unknown }) {
    super(message, kind, options);
  }
}

/** Removes anything that looks like a password from a driver message. */
export function scrubSecrets(message: string, secrets: Array<string | undefined>): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 1) out = out.split(s).join('***');
  out = out.replace(/(:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
  return out;
}

// Plain settings of an S3 object store: what `xcomLens.connections[].storage` holds, plus static keys that
// live in SecretStorage (or come from Airflow's AIRFLOW_CONN_AWS_DEFAULT), never in settings.

/** Where and how to reach S3 for one connection. */
export interface StorageSettings {
  /** Named AWS profile (shared config/credentials files, SSO). */
  profile?: string;
  /** AWS region, e.g. eu-west-1. */
  region?: string;
  /** S3-compatible endpoint (MinIO, LocalStack, Ceph, s3rver), e.g. http://localhost:9000. */
  endpointUrl?: string;
  /** Path-style addressing (usual for S3-compatible servers). */
  forcePathStyle?: boolean;
  /** Bucket for references that carry none. */
  bucket?: string;
}

/** Static access keys. */
export interface StaticCredentials {
  /** Access key id (not secret; may appear in messages). */
  accessKeyId: string;
  /** Secret access key: never logged, never shown. */
  secretAccessKey: string;
  /** Session token of temporary credentials. */
  sessionToken?: string;
}

/** A bucket and key. */
export interface ObjectLocation {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
}

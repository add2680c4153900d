// What the storage tests share to preview objects of the loopback S3 stand-in (generatedObjects.ts): the object
// store on it with test keys, the source a preview builds for one of its objects, and table clients closed after.
import type { ByteTableSource } from '../../../src/formats/table';
import { TableClient } from '../../../src/formats/tableClient';
import { s3Source } from '../../../src/panels/s3TableSource';
import { openS3ObjectStore, type S3ObjectStore } from '../../../src/storage/objectStore';
import type { GeneratedObjectServer } from '../../fixtures/servers/generatedObjects';

/** The object store on the stand-in, path-style, with test keys. */
export function standInStore(server: GeneratedObjectServer): S3ObjectStore {
  return openS3ObjectStore(
    { endpointUrl: server.endpoint, forcePathStyle: true, region: 'us-east-1' },
    { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
  );
}

/** The source the preview builds for an S3 object: HEAD, then streamed and ranged reads. */
export function previewSourceOf(store: S3ObjectStore, bucket: string, key: string): Promise<ByteTableSource> {
  return s3Source(async () => store, { bucket, key }, { title: key }).resolve(
    new AbortController().signal,
  ) as Promise<ByteTableSource>;
}

/** Table clients made for a suite, closed together after it. */
export class TableClients {
  private readonly clients: TableClient[] = [];

  /** A new table client, closed by `closeAll`. */
  open(): TableClient {
    const c = new TableClient();
    this.clients.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}

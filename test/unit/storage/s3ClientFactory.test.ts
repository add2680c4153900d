import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import { describeCredentialSource, maskKeyId, resolveRegion } from '../../../src/storage/awsCredentials';
import { createS3Client, s3ClientConfig } from '../../../src/storage/s3ClientFactory';

describe('s3ClientFactory', () => {
  it('static credentials, endpoint and path style', async () => {
    const config = s3ClientConfig(
      { endpointUrl: 'http://127.0.0.1:9000', region: 'eu-west-1' },
      { accessKeyId: 'A', secretAccessKey: 'S' },
      { env: {} },
    );
    assert.equal(config.region, 'eu-west-1');
    assert.equal(config.endpoint, 'http://127.0.0.1:9000');
    assert.equal(config.forcePathStyle, true);
    assert.deepEqual(config.credentials, { accessKeyId: 'A', secretAccessKey: 'S' });
    assert.equal(config.maxAttempts, 3);
    const { httpAgent, httpsAgent, ...timeouts } = config.requestHandler as Record<string, unknown>;
    assert.deepEqual(timeouts, {
      connectionTimeout: 5000,
      requestTimeout: 30000,
      socketTimeout: 30000,
      throwOnRequestTimeout: true,
    });
    // Agents whose sockets free each read once parsed (readReleasingAgents.test.ts), kept alive as the SDK's own.
    assert.ok(httpAgent instanceof http.Agent && httpsAgent instanceof https.Agent);
    for (const agent of [httpAgent, httpsAgent]) assert.equal((agent as { keepAlive?: boolean }).keepAlive, true);
    const client = createS3Client(
      { endpointUrl: 'http://127.0.0.1:9000', forcePathStyle: false },
      { accessKeyId: 'A', secretAccessKey: 'S' },
    );
    assert.equal(client.config.forcePathStyle, false);
    assert.equal(await client.config.region(), 'us-east-1');
    client.destroy();
  });

  it('the default chain (a provider function) when no static keys', () => {
    const config = s3ClientConfig({ profile: 'dev' }, undefined, { env: {} });
    assert.equal(typeof config.credentials, 'function');
    assert.equal(config.endpoint, undefined);
    assert.equal(config.forcePathStyle, undefined);
  });

  it('region: settings, then AWS_REGION, AWS_DEFAULT_REGION, else us-east-1', () => {
    assert.equal(resolveRegion({ region: 'x-1' }, { AWS_REGION: 'y-1' }), 'x-1');
    assert.equal(resolveRegion({}, { AWS_REGION: 'y-1', AWS_DEFAULT_REGION: 'z-1' }), 'y-1');
    assert.equal(resolveRegion({}, { AWS_DEFAULT_REGION: 'z-1' }), 'z-1');
    assert.equal(resolveRegion({}, {}), 'us-east-1');
  });

  it('names the credential source without secrets', () => {
    assert.equal(
      describeCredentialSource({}, { accessKeyId: 'AKIAABCDEFGH1234', secretAccessKey: 'SECRET' }, {}),
      'static access key AKIA…1234',
    );
    assert.equal(describeCredentialSource({ profile: 'dev' }, undefined, {}), 'AWS profile "dev"');
    assert.equal(describeCredentialSource({}, undefined, { AWS_PROFILE: 'ops' }), 'AWS profile "ops"');
    assert.match(
      describeCredentialSource({}, undefined, {
        AWS_ACCESS_KEY_ID: 'AKIAENV000001111',
        AWS_SECRET_ACCESS_KEY: 'SECRET',
      }),
      /AWS_ACCESS_KEY_ID \(AKIA…1111\)/,
    );
    assert.match(describeCredentialSource({}, undefined, {}), /default AWS credential chain/);
    assert.equal(maskKeyId('S3RVER'), 'S3RVER');
  });
});

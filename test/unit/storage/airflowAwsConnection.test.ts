import * as assert from 'node:assert/strict';
import { AirflowConnectionParseError, parseAirflowAwsConnection } from '../../../src/storage/airflowAwsConnection';

describe('parseAirflowAwsConnection', () => {
  it('URI form: keys, region and endpoint', () => {
    const c = parseAirflowAwsConnection(
      'aws://AKIAEXAMPLE:s3cr3t@/?region_name=eu-west-1&endpoint_url=http%3A%2F%2Flocalhost%3A9000',
    );
    assert.deepEqual(c, {
      settings: { region: 'eu-west-1', endpointUrl: 'http://localhost:9000', forcePathStyle: true },
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t' },
    });
  });

  it('URI form: percent-encoded secret with / and +, and a raw one', () => {
    assert.equal(
      parseAirflowAwsConnection('aws://AKIA:ab%2Fcd%2Bef@/?region_name=us-east-1').credentials?.secretAccessKey,
      'ab/cd+ef',
    );
    assert.equal(
      parseAirflowAwsConnection('aws://AKIA:ab/cd+ef@/?region_name=us-east-1').credentials?.secretAccessKey,
      'ab/cd+ef',
    );
  });

  it('URI form without keys: settings only (the default credential chain applies)', () => {
    assert.deepEqual(parseAirflowAwsConnection('aws://?region_name=ap-south-1'), {
      settings: { region: 'ap-south-1' },
    });
    assert.deepEqual(parseAirflowAwsConnection('aws://'), { settings: {} });
  });

  it('URI form: __extra__ JSON, session token, profile, addressing style', () => {
    const extra = encodeURIComponent(
      JSON.stringify({
        region_name: 'eu-central-1',
        aws_session_token: 'tok',
        config_kwargs: { s3: { addressing_style: 'virtual' } },
        endpoint_url: 'https://minio.example',
      }),
    );
    const c = parseAirflowAwsConnection(`aws://K:S@/?__extra__=${extra}`);
    assert.deepEqual(c, {
      settings: { region: 'eu-central-1', endpointUrl: 'https://minio.example', forcePathStyle: false },
      credentials: { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: 'tok' },
    });
    assert.equal(parseAirflowAwsConnection('aws://?profile_name=dev').settings.profile, 'dev');
  });

  it('JSON form, with extra as an object or a string', () => {
    const doc = {
      conn_type: 'aws',
      login: 'AKIAJSON',
      password: 'pw',
      extra: { endpoint_url: 'http://127.0.0.1:4566', region_name: 'us-west-2' },
    };
    const expected = {
      settings: { region: 'us-west-2', endpointUrl: 'http://127.0.0.1:4566', forcePathStyle: true },
      credentials: { accessKeyId: 'AKIAJSON', secretAccessKey: 'pw' },
    };
    assert.deepEqual(parseAirflowAwsConnection(JSON.stringify(doc)), expected);
    assert.deepEqual(parseAirflowAwsConnection(JSON.stringify({ ...doc, extra: JSON.stringify(doc.extra) })), expected);
  });

  it('JSON form: legacy keys in extra and service_config endpoint', () => {
    const c = parseAirflowAwsConnection(
      JSON.stringify({
        conn_type: 'aws',
        extra: {
          aws_access_key_id: 'A',
          aws_secret_access_key: 'B',
          service_config: { s3: { endpoint_url: 'http://s3.local' } },
        },
      }),
    );
    assert.deepEqual(c.credentials, { accessKeyId: 'A', secretAccessKey: 'B' });
    assert.equal(c.settings.endpointUrl, 'http://s3.local');
  });

  it('errors never contain the secret', () => {
    for (const bad of [
      '',
      'not a uri',
      '{"login": "x", "password": "TOPSECRET", ',
      '{"login":"x","password":"TOPSECRET","extra":"{bad"}',
    ]) {
      assert.throws(
        () => parseAirflowAwsConnection(bad),
        (e: Error) => e instanceof AirflowConnectionParseError && !e.message.includes('TOPSECRET'),
      );
    }
  });
});

import * as assert from 'node:assert/strict';
import { isComposerUrl, isRestUrl } from '../../../../src/airflow/rest/baseUrl';
import { isMwaaUrl, mwaaUrl, mwaaWebServerRegion, parseMwaaUrl } from '../../../../src/airflow/rest/mwaaUrl';

describe('managed Airflow connection URLs', () => {
  it('reads mwaa://<environment>?region=&profile=&endpoint= and writes it back', () => {
    assert.equal(isMwaaUrl(' MWAA://Env'), true);
    assert.equal(isRestUrl('mwaa://Env'), false);
    assert.deepEqual(parseMwaaUrl('mwaa://My_Airflow-Env?region=eu-west-1&profile=prod'), {
      name: 'My_Airflow-Env',
      region: 'eu-west-1',
      profile: 'prod',
    });
    assert.deepEqual(parseMwaaUrl('mwaa://Env'), { name: 'Env' });
    assert.deepEqual(parseMwaaUrl('mwaa://Env?region=eu-west-1&login=web'), {
      name: 'Env',
      region: 'eu-west-1',
      login: 'web',
    });
    assert.equal(mwaaUrl({ name: 'Env', login: 'web' }), 'mwaa://Env?login=web');
    assert.throws(() => parseMwaaUrl('mwaa://Env?login=cli'), /login=cli is not known/);
    const url = mwaaUrl({ name: 'Env', region: 'us-gov-west-1', endpoint: 'https://vpce-1.vpce.amazonaws.com' });
    assert.deepEqual(parseMwaaUrl(url), {
      name: 'Env',
      region: 'us-gov-west-1',
      endpoint: 'https://vpce-1.vpce.amazonaws.com',
    });
  });

  it('says what is wrong with an MWAA URL', () => {
    assert.throws(() => parseMwaaUrl('mwaa://1env?region=eu-west-1'), /'1env' is not an MWAA environment name/);
    assert.throws(() => parseMwaaUrl('mwaa://Env?region=europe'), /'europe' is not an AWS region \(e\.g\. eu-west-1\)/);
    assert.throws(() => parseMwaaUrl('mwaa://Env?regoin=eu-west-1'), /Unknown parameter regoin in the MWAA URL/);
    assert.throws(() => parseMwaaUrl('mwaa://Env?endpoint=vpce.example.com'), /must be an https URL of an AWS host/);
    assert.throws(
      () => parseMwaaUrl('mwaa://Env?endpoint=https://collector.example.com'),
      /requests to it are signed with your AWS credentials/,
      'signed requests go to AWS or this machine only',
    );
    assert.throws(
      () => parseMwaaUrl('mwaa://Env?endpoint=http://vpce-1.airflow.eu-west-1.vpce.amazonaws.com'),
      /https URL/,
    );
    assert.equal(
      parseMwaaUrl('mwaa://Env?endpoint=https://vpce-1.airflow.eu-west-1.vpce.amazonaws.com').endpoint,
      'https://vpce-1.airflow.eu-west-1.vpce.amazonaws.com',
    );
    assert.equal(parseMwaaUrl('mwaa://Env?endpoint=http://localhost:4566').endpoint, 'http://localhost:4566');
  });

  it('recognises MWAA and Composer web servers by their host names', () => {
    assert.equal(
      mwaaWebServerRegion('https://0a1b2c3d-4e5f-6789-abcd-ef0123456789.c2.eu-west-1.airflow.amazonaws.com/home'),
      'eu-west-1',
    );
    assert.equal(
      mwaaWebServerRegion('https://0a1b2c3d-vpce.c10.ap-southeast-2.airflow.amazonaws.com'),
      'ap-southeast-2',
    );
    assert.equal(mwaaWebServerRegion('https://0a1b2c3d-4e5f.c3.us-east-2.airflow.on.aws/home'), 'us-east-2');
    assert.equal(mwaaWebServerRegion('https://0a1b2c3d-4e5f.c1.cn-north-1.airflow.amazonaws.com.cn'), 'cn-north-1');
    assert.equal(mwaaWebServerRegion('https://airflow.example.com'), undefined);
    assert.equal(mwaaWebServerRegion('https://env.airflow.eu-west-1.amazonaws.com'), undefined, 'the MWAA API itself');
    assert.equal(isComposerUrl('https://abc123-dot-europe-west1.composer.googleusercontent.com/home'), true);
    assert.equal(isComposerUrl('https://composer.googleusercontent.com.evil.example'), false);
    assert.equal(isComposerUrl('not a url'), false);
  });
});

import * as assert from 'node:assert/strict';
import { detectedConnectionId, detectedFrom } from '../../../src/connections/detectedConnection';

const none = { databases: [], apiServers: [], commands: [], problems: [] };

describe('the connection shown on first open', () => {
  it('is the metadata DB Airflow itself uses when the configuration names a DB and an API server', () => {
    const shown = detectedFrom({
      ...none,
      databases: [
        { url: 'postgresql://airflow:s3cr#t@db:5432/airflow', origin: 'env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN' },
        { url: 'sqlite:////home/me/airflow/airflow.db', origin: 'default /home/me/airflow/airflow.db' },
      ],
      apiServers: [{ url: 'http://localhost:8080', origin: '/home/me/airflow/airflow.cfg [api] base_url' }],
    });
    assert.ok(shown);
    assert.equal(shown.origin, 'env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN');
    assert.equal(shown.connection.name, 'airflow on db');
    // Nothing shown or used as an id carries the password; the URL kept for Save does.
    assert.equal(shown.connection.url, 'postgresql://airflow@db:5432/airflow');
    assert.equal(shown.url, 'postgresql://airflow:s3cr#t@db:5432/airflow');
    assert.doesNotMatch(JSON.stringify({ ...shown, url: '' }), /s3cr/);
    assert.deepEqual(shown.alsoFound, [
      'sqlite:////home/me/airflow/airflow.db (default /home/me/airflow/airflow.db)',
      'http://localhost:8080 (/home/me/airflow/airflow.cfg [api] base_url)',
    ]);
  });

  it('is the API server when no DB is named, as a REST connection', () => {
    const shown = detectedFrom({
      ...none,
      apiServers: [{ url: 'https://admin:pw@airflow.example.com/', origin: 'env AIRFLOW__API__BASE_URL' }],
    });
    assert.ok(shown);
    assert.equal(shown.connection.name, 'Airflow API on airflow.example.com');
    assert.equal(shown.connection.url, 'https://admin@airflow.example.com/');
    assert.deepEqual(shown.alsoFound, []);
  });

  it('is nothing when the configuration names nothing', () => {
    assert.equal(detectedFrom(none), undefined);
  });

  it('keeps its id across reloads and password changes, so Dismiss and the expanded state stick', () => {
    const a = detectedConnectionId('postgresql://airflow:one@db/airflow');
    assert.equal(a, detectedConnectionId('postgresql://airflow:two@db/airflow'));
    assert.notEqual(a, detectedConnectionId('postgresql://airflow@db/other'));
    assert.match(a, /^detected-[0-9a-f]{16}$/);
  });
});

import * as assert from 'node:assert/strict';
import {
  parseConnectionUrl,
  passwordOf,
  redactUrl,
  withPassword,
  withoutPassword,
} from '../../../src/airflow/connectionUrl';

describe('SQLAlchemy connection URLs', () => {
  it('parses sqlite absolute and relative paths', () => {
    assert.deepEqual(parseConnectionUrl('sqlite:////home/me/airflow/airflow.db'), {
      dialect: 'sqlite',
      sqlitePath: '/home/me/airflow/airflow.db',
      options: {},
    });
    assert.throws(
      () => parseConnectionUrl('sqlite:///rel.db'),
      /Airflow refuses them: use an absolute path.*sqlite:\/\/\/\//,
    );
    assert.throws(() => parseConnectionUrl('sqlite:///relative/path.db'), /Relative SQLite paths are refused/);
    assert.throws(() => parseConnectionUrl('sqlite://'), /SQLite URL without a file/);
  });

  it('parses every PostgreSQL spelling, with options and percent-encoded credentials', () => {
    for (const scheme of ['postgresql', 'postgresql+psycopg2', 'postgres']) {
      const p = parseConnectionUrl(`${scheme}://air%40flow:p%3Ass%2Fw@db.example:6543/airflow?sslmode=require`);
      assert.equal(p.dialect, 'postgres');
      assert.equal(p.user, 'air@flow');
      assert.equal(p.password, 'p:ss/w');
      assert.equal(p.host, 'db.example');
      assert.equal(p.port, 6543);
      assert.equal(p.database, 'airflow');
      assert.deepEqual(p.options, { sslmode: 'require' });
    }
    const docker = parseConnectionUrl('postgresql+psycopg2://airflow:airflow@postgres/airflow');
    assert.equal(docker.port, undefined);
    assert.equal(docker.host, 'postgres');
    assert.equal(parseConnectionUrl('postgresql://u@h/db?options=-csearch_path%3Dairflow').schema, 'airflow');
  });

  it('parses every MySQL / MariaDB spelling', () => {
    for (const scheme of ['mysql', 'mysql+mysqldb', 'mysql+mysqlconnector', 'mysql+pymysql', 'mariadb']) {
      const p = parseConnectionUrl(`${scheme}://airflow:pw@127.0.0.1:3307/airflow?charset=utf8mb4`);
      assert.equal(p.dialect, 'mysql');
      assert.equal(p.port, 3307);
      assert.equal(p.options.charset, 'utf8mb4');
    }
  });

  it('rejects other databases with a clear message', () => {
    assert.throws(
      () => parseConnectionUrl('oracle://u:p@h/db'),
      /Unsupported scheme 'oracle' in the connection URL: use sqlite, postgresql or mysql \(mariadb\) URLs/,
    );
    assert.throws(() => parseConnectionUrl('mssql+pyodbc://u:p@h/db'), /Unsupported scheme 'mssql'/);
    assert.throws(() => parseConnectionUrl('not a url'), /Not a database URL/);
    assert.throws(() => parseConnectionUrl('postgresql://h:99999/db'), /Invalid port/);
  });

  it('redacts, removes, replaces and reads passwords', () => {
    const url = 'postgresql+psycopg2://airflow:s%3Acret@db:5432/airflow?sslmode=require';
    assert.equal(redactUrl(url), 'postgresql+psycopg2://airflow:***@db:5432/airflow?sslmode=require');
    assert.equal(redactUrl('mysql://u@h/db?password=x&a=b'), 'mysql://u@h/db?password=***&a=b');
    assert.equal(redactUrl('sqlite:////a.db'), 'sqlite:////a.db');
    assert.equal(redactUrl(undefined), '');
    assert.equal(redactUrl('garbage'), 'garbage');
    assert.equal(withoutPassword(url), 'postgresql+psycopg2://airflow@db:5432/airflow?sslmode=require');
    assert.equal(passwordOf(url), 's:cret');
    assert.equal(passwordOf(withoutPassword(url)), undefined);
    assert.equal(
      withPassword(withoutPassword(url), 'p@ss'),
      'postgresql+psycopg2://airflow:p%40ss@db:5432/airflow?sslmode=require',
    );
    assert.equal(passwordOf(withPassword(url, 'p@ss')), 'p@ss');
    assert.equal(withPassword(url, undefined), withoutPassword(url));
    assert.equal(withPassword('sqlite:////a.db', 'x'), 'sqlite:////a.db');
  });

  // What SQLAlchemy's make_url gives for each (checked against its URL pattern): the password runs to the LAST `@`.
  const PASSWORDS = ['pa#ss', 'p/w', 'p?w', 'p@ss@w', 'p%ss', 'p:a:ss', 'p a ss', `p'"q`, 'pässwörd✓', '#/?@%: \'"ü'];

  it('takes the password up to the last @, as SQLAlchemy does, for every special character', () => {
    for (const password of PASSWORDS) {
      const url = `postgresql://airflow:${password}@db.example:5432/airflow?sslmode=require`;
      // A `%` not followed by two hex digits stays as written (Python's unquote does the same).
      const p = parseConnectionUrl(url);
      assert.equal(p.password, password, password);
      assert.equal(parseConnectionUrl(withPassword(url, password)).password, password);
      assert.equal(p.user, 'airflow');
      assert.equal(p.host, 'db.example');
      assert.equal(p.port, 5432);
      assert.equal(p.database, 'airflow');
      assert.deepEqual(p.options, { sslmode: 'require' });
      const bare = withoutPassword(url);
      assert.equal(bare, 'postgresql://airflow@db.example:5432/airflow?sslmode=require');
      assert.ok(!redactUrl(url).includes(password), `redacted URL shows ${password}`);
      assert.equal(passwordOf(withPassword(bare, password)), password);
    }
  });

  it('keeps @ in user names and # in database names, and decodes them like SQLAlchemy', () => {
    const p = parseConnectionUrl('mysql://me@corp.example:s3cret@db/air#flow');
    assert.equal(p.user, 'me@corp.example');
    assert.equal(p.password, 's3cret');
    assert.equal(p.host, 'db');
    assert.equal(p.database, 'air#flow');
    const v6 = parseConnectionUrl('postgresql://u:p@[::1]:5433/db');
    assert.equal(v6.host, '::1');
    assert.equal(v6.port, 5433);
  });

  it('never echoes the password in an error message', () => {
    for (const password of PASSWORDS) {
      for (const url of [
        `postgresql://u:${password}@h:99x/db`,
        `postgresql://u:${password}`,
        `oracle://u:${password}@h/db`,
      ]) {
        try {
          parseConnectionUrl(url);
        } catch (error) {
          assert.ok(!(error as Error).message.includes(password), `${(error as Error).message} shows ${password}`);
        }
      }
    }
    assert.throws(
      () => parseConnectionUrl('postgresql://u:secret/db'),
      (e: Error) => !e.message.includes('secret'),
    );
  });
});

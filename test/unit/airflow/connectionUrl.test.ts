import * as assert from 'node:assert/strict';
import { parseConnectionUrl, passwordOf, redactUrl, withPassword, withoutPassword } from '../../../src/airflow/connectionUrl';

describe('SQLAlchemy connection URLs', () => {
  it('parses sqlite absolute and relative paths', () => {
    assert.deepEqual(parseConnectionUrl('sqlite:////home/me/airflow/airflow.db'), { dialect: 'sqlite', sqlitePath: '/home/me/airflow/airflow.db', options: {} });
    assert.equal(parseConnectionUrl('sqlite:///rel.db').sqlitePath, 'rel.db');
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
    assert.throws(() => parseConnectionUrl('oracle://u:p@h/db'), /Unsupported scheme 'oracle' in the connection URL: use sqlite, postgresql or mysql \(mariadb\) URLs/);
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
    assert.equal(withPassword(withoutPassword(url), 'p@ss'), 'postgresql+psycopg2://airflow:p%40ss@db:5432/airflow?sslmode=require');
    assert.equal(passwordOf(withPassword(url, 'p@ss')), 'p@ss');
    assert.equal(withPassword(url, undefined), withoutPassword(url));
    assert.equal(withPassword('sqlite:////a.db', 'x'), 'sqlite:////a.db');
  });
});

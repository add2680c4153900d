import { parseConnectionUrl } from '../airflow/connectionUrl';
import { isRestUrl, parseRestBaseUrl } from '../airflow/rest/baseUrl';
import { isMwaaUrl, parseMwaaUrl } from '../airflow/rest/mwaaUrl';

/**
 * The name a new connection gets: the SQLite file name, "airflow on db.example.com", "Airflow API on host:8080",
 * "MWAA MyEnvironment".
 */
export function defaultConnectionName(url: string): string {
  try {
    if (isMwaaUrl(url)) return `MWAA ${parseMwaaUrl(url).name}`;
    if (isRestUrl(url)) return `Airflow API on ${new URL(parseRestBaseUrl(url).root).host}`;
    const parsed = parseConnectionUrl(url);
    if (parsed.dialect === 'sqlite') return (parsed.sqlitePath ?? 'airflow.db').split(/[\\/]/).pop() ?? 'airflow.db';
    return `${parsed.database ?? 'airflow'} on ${parsed.host ?? 'localhost'}`;
  } catch {
    return 'Airflow';
  }
}

// Alembic head → Airflow release (Airflow's `_REVISION_HEADS_MAP` in airflow/utils/db.py; 3.3.0 from the head of
// Airflow's published migrations reference for 3.3), and the schema generation.
import type { SchemaGeneration } from './types';

/** Known alembic heads and their Airflow releases. */
const REVISION_HEADS: Readonly<Record<string, string>> = {
  '7b2661a43ba3': '2.2.0',
  be2bfac3da23: '2.2.3',
  '587bdf053233': '2.2.4',
  b1b348e02d07: '2.3.0',
  '1de7bc13c950': '2.3.1',
  '3c94c427fdf6': '2.3.2',
  f5fcbda3e651: '2.3.3',
  ecb43d2a1842: '2.4.0',
  b0d31815b5a6: '2.4.2',
  e07f49787c9d: '2.4.3',
  '290244fb8b83': '2.5.0',
  '98ae134e6fff': '2.6.0',
  c804e5c76e3e: '2.6.2',
  '405de8318b3a': '2.7.0',
  '10b52ebd31f7': '2.8.0',
  '88344c1d9134': '2.8.1',
  '1949afb29106': '2.9.0',
  '686269002441': '2.9.2',
  '22ed7efa9da2': '2.10.0',
  '5f2621c13b39': '2.10.3',
  '29ce7909c52b': '3.0.0',
  fe199e1abd77: '3.0.3',
  cc92b33c6709: '3.1.0',
  '509b94a1042d': '3.1.8',
  '1d6611b6ab7c': '3.2.0',
  d2f4e1b3c5a7: '3.3.0',
};

/** The releases XCom Lens reads, for messages. */
export const KNOWN_RANGE = '2.3 to 3.3';

/** The schema generation of a release, or an error message when XCom Lens does not read it. */
export function generationOf(version: string): SchemaGeneration | { unsupported: string } {
  const [major, minor] = version.split('.').map((x) => Number(x));
  if (major === 2 && minor >= 3) return 2;
  if (major === 3 && (Number.isNaN(minor) || minor <= 3)) return 3;
  if (major === 2)
    return {
      unsupported: `Airflow ${version} is too old: XCom Lens reads Airflow ${KNOWN_RANGE} (xcom has no run_id before 2.3)`,
    };
  return { unsupported: `Airflow ${version} is newer than XCom Lens knows (${KNOWN_RANGE})` };
}

/** The release of a known head, or undefined. */
export function versionOfRevision(revision: string | null | undefined): string | undefined {
  return revision ? REVISION_HEADS[revision.trim()] : undefined;
}

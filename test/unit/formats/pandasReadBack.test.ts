// What the grid shows against what pandas itself hands back: test/fixtures/pandas/makePandasFrames.py writes
// DataFrames with pandas' own to_json (every orient, date unit and format, time zones, gaps, unicode) and to_csv
// (UTF-16), reads each back with read_json / read_csv, and dumps every cell as pandas prints it. Each decoded table
// must match it column by column (names, dtypes, index) and cell by cell (the text the grid shows).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { cellText } from '../../../src/cellText';
import { jsonToTable, parseLenientJson } from '../../../src/formats/pandasJson';
import { ColumnarTable } from '../../../src/formats/table';
import { decompress } from '../../../src/formats/decompress';
import { sniffFormat } from '../../../src/formats/sniff';
import { parseTableSource } from '../../../src/formats/tableParser';
import { chunked } from './helpers';

interface DumpedColumn {
  name: string;
  type: string;
  index?: boolean;
  cells: string[];
}
interface Frames {
  pandas: string;
  cases: { name: string; json: string; lines?: boolean; readBack: DumpedColumn[] }[];
  utf16Csv: { base64: string; readBack: DumpedColumn[] };
}

let root = __dirname;
while (!existsSync(path.join(root, 'test/fixtures/pandas/makePandasFrames.py'))) root = path.dirname(root);
/** Debian's python3-pandas (CI installs it): the interpreter it belongs to, not whichever python3 is first. */
const PYTHON = '/usr/bin/python3';

function pandasFrames(): Frames {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      `These tests compare with pandas itself: install Debian's python3-pandas (apt-get install python3-pandas) so that ${PYTHON} can import pandas.`,
    );
  }
  const out = execFileSync(PYTHON, [path.join(root, 'test/fixtures/pandas/makePandasFrames.py')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as Frames;
}

/** The decoded table as the grid shows it, in the dump's shape. */
function shown(table: ColumnarTable): DumpedColumn[] {
  return table.columns.map((c) => {
    const info = c.info();
    const cells: string[] = [];
    for (let r = 0; r < table.rowCount; r++) cells.push(cellText(c.get(r), info));
    return { name: c.name, type: info.type, ...(c.index ? { index: true } : {}), cells };
  });
}

/** The first way `ours` differs from `theirs` (names, dtypes, then cells), short enough to read for 20,000 rows. */
function difference(ours: DumpedColumn[], theirs: DumpedColumn[]): string | undefined {
  const heads = (t: DumpedColumn[]) => t.map((c) => `${c.name}${c.index ? ' (index)' : ''}: ${c.type}`).join(', ');
  if (heads(ours) !== heads(theirs)) return `columns ${heads(ours)}, pandas ${heads(theirs)}`;
  for (const [k, col] of theirs.entries()) {
    if (ours[k].cells.length !== col.cells.length)
      return `${col.name}: ${ours[k].cells.length} rows, pandas ${col.cells.length}`;
    const row = col.cells.findIndex((cell, r) => ours[k].cells[r] !== cell);
    if (row >= 0) return `${col.name}, row ${row}: ${ours[k].cells[row]}, pandas ${col.cells[row]}`;
  }
  return undefined;
}

describe('tables as pandas reads them back (fixtures written by pandas)', function () {
  this.timeout(60_000);
  let frames: Frames;
  before(() => {
    frames = pandasFrames();
  });

  it('decodes every to_json output as read_json returns it, cell by cell', () => {
    assert.ok(frames.cases.length >= 30, 'the generator wrote the cases');
    const failures: string[] = [];
    for (const c of frames.cases.filter((x) => !x.lines)) {
      const table = new ColumnarTable();
      jsonToTable(parseLenientJson(c.json), table);
      try {
        assert.deepEqual(shown(table), c.readBack);
      } catch (error) {
        failures.push(`${c.name} (pandas ${frames.pandas})\n${(error as Error).message}`);
      }
    }
    assert.equal(failures.length, 0, failures.join('\n\n'));
  });

  it('reads JSON Lines from to_json(lines=True) as read_json(lines=True) returns them, batch after batch', async () => {
    const cases = frames.cases.filter((x) => x.lines);
    assert.ok(cases.length >= 6, 'the generator wrote the JSON Lines cases');
    const failures: string[] = [];
    for (const c of cases) {
      const table = new ColumnarTable();
      const bytes = new TextEncoder().encode(c.json);
      const source = {
        kind: 'bytes' as const,
        title: 'frame.json',
        keyName: 'frame.json',
        open: () => chunked(bytes, 997),
      };
      const summary = await parseTableSource(source, table, {
        signal: new AbortController().signal,
        codecs: { sniffFormat, decompress },
      });
      try {
        assert.equal(summary.format, 'json lines');
        assert.equal(difference(shown(table), c.readBack), undefined);
      } catch (error) {
        failures.push(`${c.name} (pandas ${frames.pandas})\n${(error as Error).message}`);
      }
    }
    assert.equal(failures.length, 0, failures.join('\n\n'));
  });

  it('shows an epoch-millisecond datetime from to_json() as the Timestamp read_json returns', () => {
    const c = frames.cases.find((x) => x.name.startsWith('to_json() default'))!;
    assert.match(c.json, /"created_at":\{"0":1795075200000/);
    const table = new ColumnarTable();
    jsonToTable(parseLenientJson(c.json), table);
    const created = table.columns.find((col) => col.name === 'created_at')!;
    assert.equal(created.type, 'datetime');
    assert.equal(cellText(created.get(0), created.info()), '2026-11-19 08:00:00');
    assert.equal(cellText(created.get(1), created.info()), 'NaT');
  });

  it('reads a UTF-16 CSV from to_csv(encoding="utf-16") as read_csv does', async () => {
    const bytes = Buffer.from(frames.utf16Csv.base64, 'base64');
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'pandas wrote a byte-order mark');
    const table = new ColumnarTable();
    const source = { kind: 'bytes' as const, title: 'orders.csv', open: () => chunked(new Uint8Array(bytes), 5) };
    const summary = await parseTableSource(source, table, {
      signal: new AbortController().signal,
      codecs: { sniffFormat, decompress },
    });
    assert.equal(summary.format, 'csv');
    const ours = shown(table);
    const theirs = frames.utf16Csv.readBack;
    assert.deepEqual(
      ours.map((c) => c.name),
      theirs.map((c) => c.name),
    );
    // read_csv leaves ISO dates as text (object, gaps NaN); the grid recognises them as datetimes to sort them.
    for (const [k, col] of theirs.entries()) {
      assert.deepEqual(ours[k].cells, col.cells, `column ${col.name}`);
      if (col.name !== 'created_at') assert.equal(ours[k].type, col.type, `type of ${col.name}`);
    }
    assert.equal(ours.find((c) => c.name === 'created_at')!.type, 'datetime');
  });
});

import * as assert from 'node:assert/strict';
import Papa from 'papaparse';
import type { ColumnLayout } from '../../../src/formats/columnBatch';
import { rowsToBatch } from '../../../src/formats/columnBuilders';
import { parseCsvBatch } from '../../../src/formats/csvBatchParser';
import { ColumnarTable } from '../../../src/formats/table';

/** The batch as papaparse's rows would give it, read row by row: what the direct path must equal. */
function byRows(text: string, width: number, layouts: ColumnLayout[], newline = '\n') {
  const rows = Papa.parse<string[]>(text, { delimiter: ',', newline: newline as '\n', skipEmptyLines: true }).data;
  return rowsToBatch(rows, 0, width, layouts);
}

function parse(text: string, width: number, layouts: ColumnLayout[], newline = '\n') {
  const { unclosedQuoteRow, fallbackEncoding, ...batch } = parseCsvBatch(new TextEncoder().encode(text), {
    delimiter: ',',
    newline,
    width,
    layouts,
  });
  return { batch, unclosedQuoteRow, fallbackEncoding };
}

/** `n` rows of id, amount, category, note; `row` may change any of them. */
function rows(
  n: number,
  row: (i: number) => string = (i) => `${i},${(i * 1.25).toFixed(2)},${['a', 'b'][i % 2]},note ${i}`,
) {
  return Array.from({ length: n }, (_, i) => row(i)).join('\n') + '\n';
}

const LAYOUTS: ColumnLayout[] = ['number', 'number', 'dictionary', 'text'];

/** Text shaped almost like the ISO dates a column of them holds. */
const NEAR_DATES = [
  '2024-01-1xT10:00:00',
  '2024-01-10Tx0:00:00',
  '2024-01-10T10:00-00',
  '2024-01_10',
  '2024-01-10X10:00:00',
];

describe('parseCsvBatch', () => {
  const cases: [string, string, number, ColumnLayout[], string?][] = [
    ['plain rows in the layouts they had', rows(5000), 4, LAYOUTS],
    ['rows longer than one piece of text', rows(40_000), 4, LAYOUTS],
    ['a column not seen before (numbers tried first)', rows(300), 4, []],
    ['a number column that turns to text', rows(3000, (i) => `${i},${i < 2000 ? i : `x${i}`},a,n`), 4, LAYOUTS],
    [
      'numbers as written in a text column',
      rows(50, (i) => `${i},1.50,a,007`),
      4,
      ['number', 'text', 'dictionary', 'text'],
    ],
    ['a dictionary that stops repeating', rows(6000, (i) => `${i},1,v${i},n`), 4, LAYOUTS],
    ['empty lines between rows', rows(100, (i) => (i % 10 === 0 ? '' : `${i},2.5,a,n ${i}`)), 4, LAYOUTS],
    [
      'rows with more and fewer fields',
      rows(100, (i) => (i % 17 === 0 ? `${i},1` : i % 23 === 0 ? `${i},1,a,n,extra` : `${i},1,a,n`)),
      4,
      LAYOUTS,
    ],
    [
      'quoted cells with delimiters, quotes and newlines',
      rows(500, (i) => `${i},3,"a,${i}","say ""hi""\nthere"`),
      4,
      LAYOUTS,
    ],
    // As pandas writes them: a cell is quoted when it holds the delimiter, a quote or a newline.
    [
      'quoted cells over many pieces',
      rows(
        20_000,
        (i) => `${i},${(i * 1.25).toFixed(2)},"a,${i % 3}",${i % 3 ? `note ${i}` : `"say ""hi"" ${i}\nthere"`}`,
      ),
      4,
      LAYOUTS,
    ],
    [
      'quoted numbers, dates, empty and missing cells among plain ones, over many pieces',
      rows(
        20_000,
        (i) =>
          `${i % 7 ? i : `"${i}"`},${i % 11 ? '2024-01-10T10:00:00' : '"2024-01-11T10:00:00"'},${i % 13 ? `n ${i}` : '""'},${i % 5 ? '' : '"x,y"'}`,
      ),
      4,
      ['number', 'text', 'text', 'text'],
    ],
    [
      'dates quoted from the first row, over many pieces',
      rows(20_000, (i) => `${i},"2024-02-0${1 + (i % 9)}",m`),
      3,
      ['number', 'text', 'text'],
    ],
    [
      'a quoted cell longer than a piece, with newlines in it',
      rows(3000, (i) => `${i},1,a,${i === 1500 ? `"${'long line, '.repeat(2000)}\n${'x'.repeat(9000)}"` : `n ${i}`}`),
      4,
      LAYOUTS,
    ],
    ['spaces after a closing quote', rows(3000, (i) => `${i},1,a,${i % 4 ? `n ${i}` : '"q, q"  '}`), 4, LAYOUTS],
    [
      'quoted cells in CRLF rows over many pieces',
      rows(20_000, (i) => `${i},2,"b,${i % 2}","l1\r\nl2 ${i}"`)
        .replaceAll('\n', '\r\n')
        .replaceAll('\r\r\n', '\r\n'),
      4,
      LAYOUTS,
      '\r\n',
    ],
    ['quoted text beyond ASCII over many pieces', rows(20_000, (i) => `${i},1,ü,"naïve, ${i} 日本 🙂"`), 4, LAYOUTS],
    [
      'missing cells and NA spellings',
      rows(200, (i) => `${i},${i % 3 ? '' : 'NaN'},${i % 5 ? '' : 'a'},${i % 7 ? 'N/A' : ''}`),
      4,
      LAYOUTS,
    ],
    ['text beyond ASCII', rows(300, (i) => `${i},1,ü,naïve ${i} 日本 🙂`), 4, LAYOUTS],
    ['text beyond ASCII over many pieces', rows(20_000, (i) => `${i},1,ü,naïve ${i} 日本 🙂`), 4, LAYOUTS],
    [
      'text beyond ASCII in some rows and columns, beside numbers, dates and ASCII text, over many pieces',
      rows(
        20_000,
        (i) =>
          `${i % 3 ? `n ${i}` : `ñ ${i} 🙂`},${(i * 0.5).toFixed(1)},2024-03-0${1 + (i % 9)},${i % 7 ? `plain ${i}` : `Łódź ${i}`},${i % 2 ? 'x' : 'é'}`,
      ),
      5,
      ['text', 'number', 'text', 'text', 'dictionary'],
    ],
    [
      'CRLF rows with text beyond ASCII over many pieces',
      rows(20_000, (i) => `${i},2,${i % 2 ? 'a' : 'ä'},${i % 5 ? `m ${i}` : `€ ${i}`}`).replaceAll('\n', '\r\n'),
      4,
      LAYOUTS,
      '\r\n',
    ],
    ['one column with empty lines', '1\n\n2\n\n3\n', 1, ['number']],
    ['CRLF rows', rows(400).replaceAll('\n', '\r\n'), 4, LAYOUTS, '\r\n'],
    ['CRLF rows over many pieces', rows(40_000).replaceAll('\n', '\r\n'), 4, LAYOUTS, '\r\n'],
    [
      'text columns first, in the middle and last, with dates, gaps and long cells, over many pieces',
      rows(
        20_000,
        (i) =>
          `n ${i},${i},${i % 11 ? `2024-01-${10 + (i % 20)}${i % 2 ? 'T10:00:00' : ''}` : ''},${'w'.repeat(i % 50)},${i % 3 ? '' : `y${i}`}`,
      ),
      5,
      ['text', 'number', 'text', 'text', 'text'],
    ],
    [
      'CRLF rows with text columns first and in the middle',
      rows(3000, (i) => `n ${i},2024-02-0${1 + (i % 9)},${i},m ${i}`).replaceAll('\n', '\r\n'),
      4,
      ['text', 'text', 'number', 'text'],
      '\r\n',
    ],
    [
      'a last row without its newline',
      `${rows(3000, (i) => `n ${i},${i},x ${i},y`)}n,1,x,y`,
      4,
      ['text', 'number', 'text', 'text'],
    ],
  ];
  // Each spelling in a number column of its own, over a few pieces: the scan of a cell's bytes reads the plain
  // decimals and leaves the rest (signs, zeros, exponents, long mantissas) to the full parse, as the string path does.
  const SPELLINGS = [
    '-0',
    '0',
    '0.5',
    '-12.50',
    '007',
    '1e5',
    '-1.5E-3',
    '.5',
    '5.',
    '1234567890123456',
    '123456789012345',
    '-0.0',
    '+3',
    'inf',
    '-inf',
    '',
  ];
  for (const spelling of SPELLINGS)
    cases.push([
      `a number column with ${spelling === '' ? 'gaps' : spelling}`,
      rows(3000, (i) => `${i},${i % 3 ? spelling : String(i / 4)},n ${i}`),
      3,
      ['number', 'number', 'text'],
    ]);
  // A column of dates until one cell is shaped almost like one: that cell is text, and so is the column.
  for (const near of NEAR_DATES)
    cases.push([
      `dates, then ${near}`,
      rows(3000, (i) => `n ${i},${i === 2500 ? near : `2024-01-1${i % 10}T10:00:00`},m ${i}`),
      3,
      ['text', 'text', 'text'],
    ]);
  for (const [name, text, width, layouts, newline] of cases)
    it(`reads ${name} as the row-by-row path does`, () => {
      const { batch } = parse(text, width, layouts, newline);
      assert.deepEqual(batch, byRows(text, width, layouts, newline));
    });

  it('keeps what the parse noticed: an unclosed quote, a non-UTF-8 batch', () => {
    assert.equal(parse('1,2,a,b\n3,4,"open,x\n5,6,c,d\n', 4, LAYOUTS).unclosedQuoteRow, 1);
    const latin1 = parseCsvBatch(Uint8Array.from([0x31, 0x2c, 0x32, 0x2c, 0x61, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x0a]), {
      delimiter: ',',
      newline: '\n',
      width: 4,
      layouts: LAYOUTS,
    });
    assert.equal(latin1.fallbackEncoding, true);
    assert.equal(latin1.rows, 1);
  });

  it('finds a quote left open far into a batch of quoted cells', () => {
    // Quoted cells until row 19,990 opens a quote that nothing after it closes: the rest of the batch is its cell.
    const text = rows(20_000, (i) =>
      i < 19_990 ? `${i},1,"a,b","n, ${i}"` : i === 19_990 ? `${i},1,ab,"open` : `${i},1,ab,n ${i}`,
    );
    const parsed = parse(text, 4, LAYOUTS);
    assert.equal(parsed.unclosedQuoteRow, 19_990);
    assert.equal(parsed.batch.rows, 19_991);
  });

  it('reads a whole batch as Windows-1252 when a byte far into it is not UTF-8', () => {
    const text = rows(20_000, (i) => `${i},1,a,${i === 19_990 ? 'caf\u00e9' : `note ${i}`}`);
    const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    const batch = parseCsvBatch(bytes, { delimiter: ',', newline: '\n', width: 4, layouts: LAYOUTS });
    assert.equal(batch.fallbackEncoding, true);
    assert.equal(batch.rows, 20_000);
    const { unclosedQuoteRow: _unclosed, fallbackEncoding: _fallback, ...columns } = batch;
    assert.deepEqual(columns, byRows(text, 4, LAYOUTS));
  });

  it('hands over arrays as long as the rows, not as long as the rows it made room for', () => {
    const { batch } = parse(
      rows(1000, (i) => (i % 2 ? '' : `${i},0.5,a,n`)),
      4,
      LAYOUTS,
    );
    assert.equal(batch.rows, 500);
    for (const col of batch.columns) {
      const arrays =
        col.kind === 'number'
          ? [col.values]
          : col.kind === 'dictionary'
            ? [col.codes]
            : col.kind === 'iso'
              ? [col.values, col.nulls]
              : [col.bytes, col.ends, col.nulls];
      for (const a of arrays)
        if (a) assert.equal(a.buffer.byteLength, a.byteLength, `${col.kind} column owns a buffer of its size`);
    }
  });

  it('keeps the cell ends of a text column in 16 bits while its bytes fit in 64 KB, and reads every cell back', () => {
    for (const [n, width] of [
      [2000, 'Uint16Array'],
      [20_000, 'Uint32Array'],
    ] as const) {
      const { batch } = parse(rows(n), 4, LAYOUTS);
      const note = batch.columns[3];
      assert.equal(note.kind, 'text');
      if (note.kind !== 'text') continue;
      assert.equal(note.ends.constructor.name, width, `${n} rows`);
      const text = new TextDecoder().decode(note.bytes);
      assert.equal(text.slice(note.ends[n - 2], note.ends[n - 1]), `note ${n - 1}`);
    }
  });

  it('reads every text cell back as written: long cells, text beyond ASCII, missing cells, past a few thousand rows', () => {
    // Cells far longer than the buffer first made for them, and ASCII stretches between others that are not.
    const note = (i: number) =>
      i % 97 === 0
        ? ''
        : i % 5 === 0
          ? `naïve ${i} 日本 🙂 ${'x'.repeat(i % 300)}`
          : `note ${i} ${'y'.repeat(i % 700)}`;
    const n = 9000;
    for (const [path, layouts] of [
      ['in the layouts they had', LAYOUTS],
      ['row by row', ['number', 'number', 'number', 'number']],
    ] as const) {
      const { batch } = parse(
        rows(n, (i) => `${i},1,a,${note(i)}`),
        4,
        [...layouts],
      );
      const col = batch.columns[3];
      assert.equal(col.kind, 'text', path);
      if (col.kind !== 'text') continue;
      assert.equal(col.ascii, false, path);
      const decoder = new TextDecoder();
      for (let i = 0; i < n; i++) {
        const cell = decoder.decode(col.bytes.subarray(i === 0 ? 0 : col.ends[i - 1], col.ends[i]));
        assert.equal(cell, note(i), `${path}: row ${i}`);
        assert.equal(col.nulls?.[i] === 1, note(i) === '', `${path}: row ${i} missing`);
      }
      assert.equal(col.ends[n - 1], col.bytes.length, path);
    }
  });

  it('reads every cell back when a column changes its arrays partway through a batch', () => {
    // Codes outgrow 8 bits at the 256th value and 16 bits at the 65,536th; integers turn to doubles at row 3000.
    for (const [n, distinct, codes] of [
      [5000, 1000, 'Uint16Array'],
      [300_000, 70_000, 'Uint32Array'],
    ] as const) {
      const value = (i: number) => (i % 11 === 0 ? '' : `v${(i * 7919) % distinct}`);
      const number = (i: number) => (i < 3000 ? String(i - 1500) : `${i}.5`);
      const { batch } = parse(
        rows(n, (i) => `${i},${number(i)},${value(i)},n`),
        4,
        LAYOUTS,
      );
      const [, amounts, category] = batch.columns;
      assert.equal(category.kind, 'dictionary', `${n} rows`);
      assert.equal(amounts.kind, 'number', `${n} rows`);
      if (category.kind !== 'dictionary' || amounts.kind !== 'number') continue;
      assert.equal(category.codes.constructor.name, codes, `${n} rows`);
      const scale = amounts.scale ?? 1;
      for (let i = 0; i < n; i++) {
        assert.equal(category.values[category.codes[i]] ?? '', value(i), `${n} rows: category of row ${i}`);
        assert.equal(amounts.values[i] / scale, Number(number(i)), `${n} rows: amount of row ${i}`);
      }
    }
  });

  /** The values of number column `c` as the table reads them. */
  function numbers(text: string, c: number): { values: number[]; scale?: number; array: string } {
    const col = parse(text, 2, ['number', 'number']).batch.columns[c];
    assert.equal(col.kind, 'number');
    if (col.kind !== 'number') throw new Error('not numbers');
    const scale = col.scale ?? 1;
    return { values: Array.from(col.values, (k) => k / scale), scale: col.scale, array: col.values.constructor.name };
  }
  it('reads a number column back as written when its integers give way to decimals, a gap and integers again', () => {
    const cell = (i: number) =>
      i < 1000 ? String(i) : i < 1500 ? `${i}.0` : i < 2000 ? `${i}.25` : i === 2000 ? '' : String(-i);
    const text = rows(3000, (i) => `${i},${cell(i)}`);
    const got = numbers(text, 1);
    got.values.forEach((v, i) => assert.ok(Object.is(v, cell(i) === '' ? NaN : Number(cell(i))), `row ${i}: ${v}`));
    assert.deepEqual(parse(text, 2, ['number', 'number']).batch, byRows(text, 2, ['number', 'number']));
  });

  it('holds integers in 16 bits while they all fit, in 32 past that', () => {
    for (const [cells, width] of [
      [['0', '-32768', '32767', '999'], 'Int16Array'],
      [['0', '32768', '7'], 'Int32Array'],
      [['0', '-32769', '7'], 'Int32Array'],
    ] as const) {
      const text = cells.map((v, i) => `${i},${v}`).join('\n') + '\n';
      const got = numbers(text, 1);
      assert.equal(got.array, width, cells.join(' '));
      assert.deepEqual(got.values, cells.map(Number));
    }
  });

  it('holds decimals with a few digits after the point as scaled 32-bit integers, read back as the same doubles', () => {
    const cells = ['5265.93', '-0.5', '0.1', '7', '21474836.47', '-21474836.47', '0.30', '1', '99.99'];
    const text = cells.map((v, i) => `${i},${v}`).join('\n') + '\n';
    const got = numbers(text, 1);
    assert.equal(got.array, 'Int32Array');
    assert.equal(got.scale, 100);
    got.values.forEach((v, i) => assert.ok(Object.is(v, Number(cells[i])), `${cells[i]} read back as ${v}`));
    assert.deepEqual(parse(text, 2, ['number', 'number']).batch, byRows(text, 2, ['number', 'number']));
  });

  for (const [why, cells] of [
    ['a missing value', ['1.5', '', '2.25']],
    ['minus zero', ['1.5', '-0.00', '2.25']],
    ['a value too large for 32 bits once scaled', ['1.5', '12345678.123', '2.25']],
    ['an exponent', ['1.5', '1e-3', '2.25']],
    ['more than nine digits after the point', ['1.5', '0.1234567891', '2.25']],
  ] as const)
    it(`keeps doubles when a decimal column has ${why}`, () => {
      const text = cells.map((v, i) => `${i},${v}`).join('\n') + '\n';
      const got = numbers(text, 1);
      assert.equal(got.array, 'Float64Array');
      assert.equal(got.scale, undefined);
      got.values.forEach((v, i) =>
        assert.ok(Object.is(v, cells[i] === '' ? NaN : Number(cells[i])), `${cells[i]}: ${v}`),
      );
    });
});

describe('CSV batches of ISO dates', () => {
  const iso = (i: number) => {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const hour = String(i % 24).padStart(2, '0');
    return { date: `2024-03-${day}`, t: `2031-12-${day}T${hour}:05:59`, space: `2024-01-${day} ${hour}:00:00` };
  };

  it('holds columns of one ISO shape as their numbers, and reads every cell back as written', () => {
    // Far dates (year 2400) do not fit 32-bit seconds: that column is held as doubles.
    const text = rows(3000, (i) => {
      const { date, t, space } = iso(i);
      return `${i % 7 === 0 ? '' : date},${t},${i % 5 === 0 ? '' : space},2400-${t.slice(5)},${i === 2999 ? t : date}`;
    });
    for (const { batch } of [parse(text, 5, ['text', 'text', 'text', 'text', 'text'])]) {
      const kinds = batch.columns.map((c) => c.kind);
      assert.deepEqual(kinds, ['iso', 'iso', 'iso', 'iso', 'text'], 'the last column changes shape at its last row');
      const [dates, , , far] = batch.columns;
      assert.ok(dates.kind === 'iso' && dates.values instanceof Int32Array && dates.nulls);
      assert.ok(far.kind === 'iso' && far.values instanceof Float64Array);
      assert.equal(dates.counts[4], 3000 - 429, 'dates counted as such');
      const table = new ColumnarTable();
      for (let c = 0; c < 5; c++) table.addColumn(`c${c}`);
      table.appendBatch(batch);
      const expected = text
        .trimEnd()
        .split('\n')
        .map((line) => line.split(',').map((v) => (v === '' ? null : v)));
      for (let r = 0; r < 3000; r++) assert.deepEqual(table.row(r), expected[r], `row ${r}`);
      assert.deepEqual(
        table.columns.map((c) => c.type),
        ['datetime', 'datetime', 'datetime', 'datetime', 'datetime'],
      );
      // Four bytes a cell (plus the missing-value map) where its UTF-8 took ten or nineteen and its offset two.
      assert.ok(table.columns[1].byteSize <= 3000 * 4, `${table.columns[1].byteSize} B`);
    }
  });

  it('reads a column of dates as text from its first cell of another kind, on the direct and the row-by-row path', () => {
    const text = rows(3000, (i) => `${i},${i === 1700 ? 'soon' : iso(i).space},${i % 3 === 0 ? '' : iso(i).date}`);
    const direct = parse(text, 3, ['number', 'text', 'text']).batch;
    assert.deepEqual(direct, byRows(text, 3, ['number', 'text', 'text']));
    assert.deepEqual(
      direct.columns.map((c) => c.kind),
      ['number', 'text', 'iso'],
    );
    const dates = direct.columns[1];
    assert.ok(dates.kind === 'text');
    const cell = (r: number) =>
      new TextDecoder().decode(dates.bytes.subarray(r ? dates.ends[r - 1] : 0, dates.ends[r]));
    assert.equal(cell(0), iso(0).space);
    assert.equal(cell(1699), iso(1699).space);
    assert.equal(cell(1700), 'soon');
  });

  it('keeps a column with every cell missing as text', () => {
    const { batch } = parse(
      rows(2000, (i) => `${i},`),
      2,
      ['number', 'text'],
    );
    assert.equal(batch.columns[1].kind, 'text');
  });
});

describe('CSV batches parsed one after another', () => {
  /** Every array a batch column hands over. */
  function arraysOf(col: ReturnType<typeof parse>['batch']['columns'][number]): (ArrayBufferView | undefined)[] {
    if (col.kind === 'number') return [col.values];
    if (col.kind === 'dictionary') return [col.codes];
    if (col.kind === 'iso') return [col.values, col.nulls];
    return [col.bytes, col.ends, col.nulls];
  }

  it('reads every cell back after the batches before it were handed to another thread', () => {
    // Each batch is parsed in the memory the ones before it used (scratchBuffers.ts), in turns that leave it
    // dirty: dense cells, then missing ones (which read as zeros), wider dictionary codes, doubles, a long text
    // column, dates then text, and a batch whose cells do not fit the layouts (parsed a second way).
    const category = (i: number, b: number) => (b === 1 && i % 2 ? '' : `c${(i * 31) % (b === 2 ? 900 : 40)}`);
    const amount = (i: number, b: number) => (b === 1 && i % 3 === 0 ? '' : b === 2 ? `${i}.25` : String(i % 500));
    const note = (i: number, b: number) => (b === 1 && i % 4 === 0 ? '' : `n${i} ${'z'.repeat((i * b) % 90)}`);
    const when = (i: number, b: number) =>
      b === 1 && i % 5 === 0
        ? ''
        : b === 3 && i === 1200
          ? 'later'
          : `2024-02-${String(1 + (i % 28)).padStart(2, '0')}`;
    const id = (i: number, b: number) => (b === 4 && i === 2500 ? 'x' : String(i));
    const layouts: ColumnLayout[] = ['number', 'number', 'dictionary', 'text', 'text'];
    for (let b = 0; b < 6; b++) {
      const n = 3000;
      const text = rows(n, (i) => `${id(i, b)},${amount(i, b)},${category(i, b)},${note(i, b)},${when(i, b)}`);
      const parsed = parseCsvBatch(new TextEncoder().encode(text), {
        delimiter: ',',
        newline: '\n',
        width: 5,
        layouts,
      });
      const transfer = parsed.columns.flatMap(arraysOf).flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
      for (const col of parsed.columns)
        for (const a of arraysOf(col))
          if (a) assert.equal(a.buffer.byteLength, a.byteLength, `batch ${b}: a ${col.kind} column owns its buffer`);
      // As the parse worker posts it: its buffers leave this thread.
      const batch = structuredClone(parsed, { transfer });
      const table = new ColumnarTable();
      for (const name of ['id', 'amount', 'category', 'note', 'when']) table.addColumn(name);
      table.appendBatch(batch);
      const cell = (v: string) => (v === '' ? null : v);
      for (let i = 0; i < n; i++) {
        const [gotId, gotAmount, ...rest] = table.row(i);
        assert.equal(String(gotId), id(i, b), `batch ${b}, row ${i}: id`);
        assert.equal(gotAmount === null ? '' : Number(gotAmount), amount(i, b) === '' ? '' : Number(amount(i, b)));
        assert.deepEqual(rest, [cell(category(i, b)), cell(note(i, b)), cell(when(i, b))], `batch ${b}, row ${i}`);
      }
    }
  });
});

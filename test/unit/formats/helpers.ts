// Builders for format tests: byte streams cut into chunks, and a table read back as plain rows.
import { rowsToBatch } from '../../../src/formats/columnBuilders';
import { ColumnarTable } from '../../../src/formats/table';
import type { Cell } from '../../../src/protocol';

/** Streams `data` in chunks of `size` bytes (small sizes exercise chunk boundaries). */
export async function* chunked(data: string | Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Streams `data` in chunks that each span a fresh buffer of their own, as socket reads come (owned chunks). */
export async function* ownedChunks(data: string | Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** The table as header names plus rows of cells. */
export function dump(table: ColumnarTable): { names: string[]; types: string[]; rows: Cell[][] } {
  const rows: Cell[][] = [];
  for (let r = 0; r < table.rowCount; r++) rows.push(table.row(r));
  return { names: table.columns.map((c) => c.name), types: table.columns.map((c) => c.type), rows };
}

/** Appends rows of CSV text the way the CSV reader does: batches of typed columns (the table's columns exist). */
export function appendTextRows(table: ColumnarTable, rows: readonly (readonly string[])[], batchRows = 10_000): void {
  for (let i = 0; i < rows.length; i += batchRows) {
    table.appendBatch(
      rowsToBatch(
        rows.slice(i, i + batchRows),
        0,
        table.columns.length,
        table.columns.map((c) => c.layout),
      ),
    );
  }
}

// Text renderings of rows for copying and exporting (pure).
import type { CopyFormat } from '../protocol';

/** Quotes one CSV field when it needs it (RFC 4180). */
function csvField(s: string, delimiter = ','): string {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number (`-5`, `+1.5`, `2e-3`): spreadsheets read it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * OWASP's CSV-injection escaping: a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a
 * leading `'`, so a spreadsheet shows it as text instead of running it; plain numbers such as `-5` stay numbers.
 */
export function escapeFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** How rows are written out. */
export interface TextFormatOptions {
  /** Apply `escapeFormula` to every field (header included) of TSV and CSV output; Markdown is left as is. */
  escapeFormulas?: boolean;
}

/** One line (with its newline) of `fields` between `delimiter`s, each quoted as needed and escaped as `options` say. */
function delimitedLine(fields: readonly string[], delimiter: string, options: TextFormatOptions): string {
  return fields.map((s) => csvField(options.escapeFormulas ? escapeFormula(s) : s, delimiter)).join(delimiter) + '\n';
}

/** Text of a header and of rows, a line each (with its newline), in one of the copy formats. */
export interface RowFormatter {
  /** The header's line(s): a Markdown table's also has its separator line. */
  header(cells: readonly string[]): string;
  /** One row's line. */
  row(cells: readonly string[]): string;
}

/** Lines of TSV, CSV or a Markdown table, a row at a time (so a long copy need not hold every row first). */
export function rowFormatter(format: CopyFormat, options: TextFormatOptions = {}): RowFormatter {
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
    const line = (cells: readonly string[]) => `| ${cells.map(esc).join(' | ')} |\n`;
    return { header: (cells) => line(cells) + `| ${cells.map(() => '---').join(' | ')} |\n`, row: line };
  }
  const delimiter = format === 'tsv' ? '\t' : ',';
  const line = (cells: readonly string[]) => delimitedLine(cells, delimiter, options);
  return { header: line, row: line };
}

/** Formats rows (header first) as TSV, CSV or a Markdown table. */
export function formatRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  format: CopyFormat,
  options: TextFormatOptions = {},
): string {
  const lines = rowFormatter(format, options);
  return lines.header(header) + rows.map(lines.row).join('');
}

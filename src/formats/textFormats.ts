// Text renderings of rows for copying and exporting (pure).
import type { CopyFormat } from '../protocol';

/** Quotes one CSV field when it needs it (RFC 4180). */
export function csvField(s: string, delimiter = ','): string {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Formats rows (header first) as TSV, CSV or a Markdown table. */
export function formatRows(header: readonly string[], rows: readonly (readonly string[])[], format: CopyFormat): string {
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
    const line = (cells: readonly string[]) => `| ${cells.map(esc).join(' | ')} |`;
    return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n';
  }
  const delim = format === 'tsv' ? '\t' : ',';
  return [header, ...rows].map((r) => r.map((s) => csvField(s, delim)).join(delim)).join('\n') + '\n';
}

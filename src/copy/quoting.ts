// Quoting for the snippets XCom Lens copies: each function gives a literal the target language reads back exactly.

/** A Python string literal (double-quoted, with escapes) that evaluates to `text`. */
export function pythonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x2028 && code <= 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A POSIX shell word (single-quoted unless it is plainly safe) that the shell reads back as `text`. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A Python dict literal from plain string-keyed data (strings, numbers, booleans, nested dicts). */
export function pythonDict(value: Record<string, unknown>): string {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonValue(v)}`).join(', ')}}`;
}

function pythonValue(value: unknown): string {
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(pythonValue).join(', ')}]`;
  return pythonDict(value as Record<string, unknown>);
}

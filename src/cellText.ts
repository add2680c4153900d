// How a cell reads on screen, the same in the grid, in quick search and in the host's filters: as pandas prints the
// value it would hand back. Floats keep Python's float look (`0.0`, `1e-05`), booleans read `True`/`False`, and a
// missing value is the marker pandas prints for its column (`NaN`, `None`, `NaT`), never an empty cell.
// Shared with the webview bundle: no vscode, no Node built-ins.
import type { Cell, ColumnInfo, MissingMarker } from './protocol';

/** The marker a missing cell of this column shows: the column's own, else `NaT` for datetimes and `NaN` otherwise. */
export function missingMarker(column: Pick<ColumnInfo, 'type' | 'missing'>): MissingMarker {
  return column.missing ?? (column.type === 'datetime' ? 'NaT' : 'NaN');
}

/**
 * A float as Python's `repr(float)` writes it: the shortest text that reads back to the same number, always with a
 * decimal point or an exponent, in exponent form below 1e-4 and from 1e16 on (`0.0`, `2.5`, `1e-05`, `1e+16`, `inf`).
 */
export function pythonFloatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument gives the shortest round-trip digits, as Python's repr does.
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const fraction = digits.slice(e + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** The text a cell shows in a column of this type. */
export function cellText(v: Cell, column: Pick<ColumnInfo, 'type' | 'missing'>): string {
  if (v === null) return missingMarker(column);
  if (typeof v === 'number') {
    if (column.type === 'float') return pythonFloatText(v);
    return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  }
  if (column.type === 'boolean') {
    const lower = v.toLowerCase();
    if (lower === 'true') return 'True';
    if (lower === 'false') return 'False';
  }
  return v;
}

// Turns a stored xcom.value (2.x bytes, 3.x JSON) into something to show, following reference §3. Never throws, and
// never runs code from the data: pickles are read by a pure opcode parser whose class lookups only build placeholders.
import { Parser } from 'pickleparser';
import type { StoredValue } from './types';

/** What XCom Lens makes of one stored value. */
export interface DecodedXCom {
  /** json: a JSON value; table: rows/columns or a pandas DataFrame wrapper; pickle: a pickle not decoded; text: a string. */
  kind: 'json' | 'table' | 'pickle' | 'text' | 'null' | 'undecodable';
  /** The decoded value (a string for 'text'; the serde wrapper as stored for a DataFrame). */
  value: unknown;
  /** One line, at most 120 characters. */
  display: string;
  /** Pretty JSON or text for an editor. */
  pretty: string;
  /** Anything worth telling: cut value, pickle, not JSON… */
  note?: string;
  /** The serde class of a wrapped value (`builtins.tuple`, `pandas.core.frame.DataFrame`…), when there was one. */
  classname?: string;
  /** For kind 'table': the table's layout and its data (hex Parquet for a DataFrame wrapper, else the JSON value). */
  table?: TableShape;
}

/** How a table-like value is laid out: a serde DataFrame (hex of a Parquet file), records, or a pandas JSON orient. */
export interface TableShape {
  /** parquet-hex: serde DataFrame; records: list of row objects; split/list/columns: pandas `to_json`/`to_dict` orients. */
  format: 'parquet-hex' | 'records' | 'split' | 'list' | 'columns';
  /** The hex string (parquet-hex) or the JSON value. */
  data: unknown;
}

/** Options for {@link decodeXComValue}. */
export interface DecodeOptions {
  /** True when `stored` holds only the first bytes of the value. */
  truncated?: boolean;
  /** Full stored size in bytes, when known. */
  storedSize?: number;
}

const DISPLAY_MAX = 120;
const DATAFRAME = 'pandas.core.frame.DataFrame';

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= DISPLAY_MAX ? flat : `${flat.slice(0, DISPLAY_MAX - 1)}…`;
}

// ---- lenient JSON (NaN, Infinity, -Infinity as bare tokens) -------------------------------------------------------

const SENTINEL = `@@xcomlens-${Math.random().toString(36).slice(2)}:`;

/** JSON.parse that also accepts Python's bare NaN / Infinity / -Infinity tokens. Throws on invalid JSON. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  let out = '';
  let i = 0;
  let replaced = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const rest = text.startsWith('-Infinity', i) ? '-Infinity' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('NaN', i) ? 'NaN' : undefined;
    if (rest) {
      out += JSON.stringify(SENTINEL + rest);
      i += rest.length;
      replaced = true;
      continue;
    }
    out += c;
    i += 1;
  }
  if (!replaced) return JSON.parse(text);
  return JSON.parse(out, (_k, v: unknown) => {
    if (typeof v === 'string' && v.startsWith(SENTINEL)) {
      const t = v.slice(SENTINEL.length);
      return t === 'NaN' ? Number.NaN : t === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    }
    return v;
  });
}

/** JSON text that writes non-finite numbers as Python does (NaN, Infinity) instead of null. */
export function stringifyLenient(value: unknown, indent?: number): string {
  let special = false;
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        special = true;
        return SENTINEL + (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      }
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (v instanceof Uint8Array) return `b'${Buffer.from(v).toString('latin1')}'`;
      return v;
    },
    indent,
  );
  if (text === undefined) return 'undefined';
  if (!special) return text;
  return text.replace(new RegExp(`"${SENTINEL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(NaN|Infinity|-Infinity)"`, 'g'), '$1');
}

// ---- serde / legacy conversion ------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isoFromEpochSeconds(ts: unknown): string | undefined {
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  const d = new Date(ts * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Converts serde (`__classname__`) and legacy (`__type`/`__var`) wrappers to plain values; DataFrames stay wrapped. */
function convert(v: unknown, depth = 0): unknown {
  if (depth > 200) return v;
  if (Array.isArray(v)) return v.map((x) => convert(x, depth + 1));
  if (!isPlainObject(v)) return v;
  if ('__classname__' in v && '__data__' in v) {
    const cls = String(v.__classname__);
    const data = v.__data__;
    switch (cls) {
      case 'builtins.tuple':
      case 'builtins.set':
      case 'builtins.frozenset':
        return Array.isArray(data) ? data.map((x) => convert(x, depth + 1)) : convert(data, depth + 1);
      case 'datetime.datetime':
      case 'pendulum.datetime.DateTime':
        if (isPlainObject(data)) return isoFromEpochSeconds(data.timestamp) ?? convert(data, depth + 1);
        return isoFromEpochSeconds(data) ?? data;
      case 'datetime.date':
      case 'pendulum.date.Date':
        return data;
      case 'datetime.timedelta':
        return data;
      case 'decimal.Decimal':
        return data;
      case DATAFRAME:
        return v;
      default: {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = convert(x, depth + 1);
        return out;
      }
    }
  }
  if ('__type' in v && '__var' in v && Object.keys(v).length === 2) {
    const t = String(v.__type);
    const data = v.__var;
    if (t === 'dict') return convert(data, depth + 1);
    if (t === 'datetime') return isoFromEpochSeconds(data) ?? data;
    if (t === 'timedelta' || t === 'date') return data;
    if (t === 'set' || t === 'tuple') return Array.isArray(data) ? data.map((x) => convert(x, depth + 1)) : data;
    return convert({ __classname__: t, __version__: 0, __data__: data }, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = convert(x, depth + 1);
  return out;
}

function wrapperClass(v: unknown): string | undefined {
  if (isPlainObject(v) && '__classname__' in v && '__data__' in v) return String(v.__classname__);
  if (isPlainObject(v) && '__type' in v && '__var' in v && Object.keys(v).length === 2 && v.__type !== 'dict') return String(v.__type);
  return undefined;
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** A list of records, or a dict of columns in one of pandas' orients. */
export function looksLikeTable(v: unknown): boolean {
  if (Array.isArray(v)) {
    return v.length > 0 && v.every((r) => isPlainObject(r) && Object.keys(r).length > 0 && Object.values(r).every(isScalar));
  }
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 0) return false;
  if (Array.isArray(v.columns) && Array.isArray(v.data) && v.data.every(Array.isArray)) return true; // orient='split'
  const values = Object.values(v);
  if (values.every((c) => Array.isArray(c) && c.every(isScalar))) {
    const n = (values[0] as unknown[]).length;
    return n > 0 && values.every((c) => (c as unknown[]).length === n); // orient='list'
  }
  if (values.every((c) => isPlainObject(c) && Object.values(c).every(isScalar))) {
    const first = Object.keys(values[0] as object).sort().join('\u0000');
    return first.length > 0 && values.every((c) => Object.keys(c as object).sort().join('\u0000') === first); // 'columns' / 'index'
  }
  return false;
}

function tableFormat(v: unknown): TableShape['format'] {
  if (Array.isArray(v)) return 'records';
  if (isPlainObject(v) && Array.isArray(v.columns) && Array.isArray(v.data)) return 'split';
  if (isPlainObject(v) && Object.values(v).every(Array.isArray)) return 'list';
  return 'columns';
}

function describeTable(v: unknown): string {
  if (Array.isArray(v)) return `table, ${v.length} row${v.length === 1 ? '' : 's'} × ${Object.keys(v[0] as object).length} columns`;
  if (isPlainObject(v) && Array.isArray(v.columns) && Array.isArray(v.data)) return `table, ${v.data.length} rows × ${v.columns.length} columns`;
  if (isPlainObject(v)) {
    const cols = Object.keys(v);
    const first = v[cols[0]];
    const rows = Array.isArray(first) ? first.length : Object.keys(first as object).length;
    return `table, ${rows} rows × ${cols.length} columns`;
  }
  return 'table';
}

function classify(value: unknown, origin: { classname?: string; note?: string }): DecodedXCom {
  const { classname } = origin;
  const base: Partial<DecodedXCom> = {};
  if (classname) base.classname = classname;
  if (origin.note) base.note = origin.note;
  if (classname === DATAFRAME) {
    const hex = isPlainObject(value) && typeof value.__data__ === 'string' ? value.__data__ : '';
    return {
      ...base,
      kind: 'table',
      value,
      table: { format: 'parquet-hex', data: hex },
      display: `pandas DataFrame (Parquet, ${Math.floor(hex.length / 2)} bytes)`,
      pretty: stringifyLenient(value, 2),
    } as DecodedXCom;
  }
  if (value === null || value === undefined) {
    return { ...base, kind: 'null', value: null, display: 'null', pretty: 'null' } as DecodedXCom;
  }
  if (typeof value === 'string' && !classname) {
    return { ...base, kind: 'text', value, display: oneLine(value), pretty: value } as DecodedXCom;
  }
  if (looksLikeTable(value)) {
    const compact = stringifyLenient(value);
    return {
      ...base,
      kind: 'table',
      value,
      table: { format: tableFormat(value), data: value },
      display: oneLine(`${describeTable(value)}: ${compact}`),
      pretty: stringifyLenient(value, 2),
    } as DecodedXCom;
  }
  const compact = stringifyLenient(value);
  const prefix = classname && !['builtins.tuple', 'builtins.set', 'builtins.frozenset'].includes(classname) ? `${classname}: ` : '';
  return { ...base, kind: 'json', value, display: oneLine(prefix + compact), pretty: stringifyLenient(value, 2) } as DecodedXCom;
}

function decodeParsed(parsed: unknown, note?: string): DecodedXCom {
  const classname = wrapperClass(parsed);
  const value = convert(parsed);
  const origin: { classname?: string; note?: string } = {};
  if (classname) origin.classname = classname;
  if (note) origin.note = note;
  return classify(value, origin);
}

// ---- pickles ------------------------------------------------------------------------------------------------------

/** Builds placeholders for every class a pickle names: nothing is looked up, nothing is called. */
const placeholderResolver = {
  resolve(module: string, name: string) {
    const qualified = `${module}.${name}`;
    const Placeholder = function Placeholder(this: unknown, ...args: unknown[]) {
      return { __class__: qualified, args: args.length ? args : undefined };
    };
    return Placeholder as unknown as new (...args: unknown[]) => unknown;
  },
};

function plain(v: unknown, depth = 0): unknown {
  if (depth > 200) return null;
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), plain(x, depth + 1)]));
  if (v instanceof Set) return [...v].map((x) => plain(x, depth + 1));
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return `b'${Buffer.from(v).toString('latin1')}'`;
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x, depth + 1);
    return out;
  }
  if (typeof v === 'function') return `<${(v as { name?: string }).name ?? 'callable'}>`;
  return v;
}

function decodePickle(bytes: Uint8Array, options: DecodeOptions): DecodedXCom {
  const size = options.storedSize ?? bytes.length;
  const generic: DecodedXCom = {
    kind: 'pickle',
    value: undefined,
    display: `pickled value, ${size} bytes`,
    pretty: `# pickled value (protocol ${bytes[1] ?? '?'}), ${size} bytes\n${Buffer.from(bytes.subarray(0, 4096)).toString('hex')}`,
    note: 'Python pickle: shown without running any code',
  };
  if (options.truncated) return generic;
  try {
    const parser = new Parser({ nameResolver: placeholderResolver, unpicklingTypeOfDictionary: 'object', unpicklingTypeOfSet: 'array' });
    const value = plain(parser.parse(bytes));
    const decoded = decodeParsed(value, `Python pickle (protocol ${bytes[1]}), ${size} bytes, read without running any code`);
    return decoded;
  } catch {
    return generic;
  }
}

// ---- entry point --------------------------------------------------------------------------------------------------

function partialJsonString(text: string): string {
  let body = text.trimStart().slice(1);
  // Drop a trailing incomplete escape (\, \u12…).
  body = body.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
  for (let cut = 0; cut < 6; cut++) {
    try {
      return JSON.parse(`"${body.slice(0, body.length - cut)}"`) as string;
    } catch {
      // try a shorter prefix
    }
  }
  return body;
}

function sizeText(options: DecodeOptions, fallback: number): string {
  const n = options.storedSize ?? fallback;
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

function decodeText(text: string, options: DecodeOptions, byteLength: number): DecodedXCom {
  try {
    return decodeParsed(parseLenientJson(text));
  } catch {
    // not (complete) JSON
  }
  const trimmed = text.trimStart();
  if (options.truncated) {
    const note = `Only the first ${text.length} characters of ${sizeText(options, byteLength)} were read: open the value to see all of it`;
    if (trimmed.startsWith('"')) {
      const value = partialJsonString(trimmed);
      return { kind: 'text', value, display: oneLine(value), pretty: value, note: `The string is cut. ${note}` };
    }
    return { kind: 'text', value: text, display: oneLine(text), pretty: text, note: `The value is cut. ${note}` };
  }
  return { kind: 'text', value: text, display: oneLine(text), pretty: text, note: 'Not valid JSON: shown as text' };
}

/** Decodes a stored xcom.value (whole, or its first bytes with `truncated`). Never throws. */
export function decodeXComValue(stored: StoredValue, options: DecodeOptions = {}): DecodedXCom {
  try {
    if (!stored || stored.kind === 'null') return { kind: 'null', value: null, display: 'null', pretty: 'null' };
    if (stored.kind === 'json') {
      if (stored.json === null || stored.json === undefined) return { kind: 'null', value: null, display: 'null', pretty: 'null' };
      const decoded = decodeText(String(stored.json), options, String(stored.json).length);
      return stored.note ? { ...decoded, note: decoded.note ? `${stored.note}. ${decoded.note}` : stored.note } : decoded;
    }
    const bytes = stored.bytes;
    if (!bytes || bytes.length === 0) return { kind: 'null', value: null, display: 'null', pretty: 'null', note: 'Empty value' };
    if (bytes[0] === 0x80) return decodePickle(bytes, options);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(options.truncated ? trimIncompleteUtf8(bytes) : bytes);
    } catch {
      const size = options.storedSize ?? bytes.length;
      return {
        kind: 'undecodable',
        value: undefined,
        display: `binary value, ${size} bytes`,
        pretty: Buffer.from(bytes.subarray(0, 4096)).toString('hex'),
        note: 'Neither JSON text nor a pickle: shown as hex',
      };
    }
    return decodeText(text, options, bytes.length);
  } catch (error) {
    return {
      kind: 'undecodable',
      value: undefined,
      display: 'value could not be decoded',
      pretty: '',
      note: `Could not decode: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Drops a UTF-8 sequence cut at the end of a byte prefix. */
function trimIncompleteUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  let back = 0;
  while (back < 4 && end - back - 1 >= 0 && (bytes[end - back - 1] & 0xc0) === 0x80) back++;
  const lead = end - back - 1;
  if (lead >= 0) {
    const b = bytes[lead];
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back + 1) end = lead;
  }
  return bytes.subarray(0, end);
}

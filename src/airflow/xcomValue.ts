// Turns a stored xcom.value into something to show, as each Airflow version encodes it (2.x pickled or JSON bytes,
// 3.x JSON with serde wrappers). Never throws, and
// never runs code from the data: pickles are read by a pure opcode parser whose class lookups only build placeholders.
import { Parser } from 'pickleparser';
import { errorMessage } from '../errors';
import { formatBytes } from '../formatBytes';
import { CUT_MARKER, DecodeBudget, type DecodeLimits } from '../formats/decodeBudget';
import {
  describeTableSize,
  isPlainObject,
  parseLenientJson,
  previewJson,
  stringifyLenient,
  tableOrientOf,
  type JsonOrient,
} from '../formats/pandasJson';
import { corruptDataFrameMessage, isDataFrameClass, parquetHexProblem } from '../formats/serdeDataFrame';
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
  /** parquet-hex: serde DataFrame; otherwise the pandas `to_json`/`to_dict` orient the JSON value is in. */
  format: 'parquet-hex' | JsonOrient;
  /** The hex string (parquet-hex) or the JSON value. */
  data: unknown;
}

/** Options for {@link decodeXComValue}. */
export interface DecodeOptions {
  /** True when `stored` holds only the first bytes of the value. */
  truncated?: boolean;
  /** Full stored size in bytes, when known. */
  storedSize?: number;
  /** Work allowed for this decode (nodes, depth, time); the defaults keep one decode well under 50 ms. */
  limits?: DecodeLimits;
}

const DISPLAY_MAX = 120;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= DISPLAY_MAX ? flat : `${flat.slice(0, DISPLAY_MAX - 1)}…`;
}

// ---- serde / legacy conversion ------------------------------------------------------------------------------------

function isoFromEpochSeconds(ts: unknown): string | undefined {
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  const d = new Date(ts * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Converts serde (`__classname__`) and legacy (`__type`/`__var`) wrappers to plain values; DataFrames stay wrapped. */
function convert(v: unknown, budget: DecodeBudget, depth = 0): unknown {
  if (!budget.take(depth)) return CUT_MARKER;
  if (Array.isArray(v)) return mapWithin(v, budget, (x) => convert(x, budget, depth + 1));
  if (!isPlainObject(v)) return v;
  if ('__classname__' in v && '__data__' in v) {
    const cls = String(v.__classname__);
    const data = v.__data__;
    switch (cls) {
      case 'builtins.tuple':
      case 'builtins.set':
      case 'builtins.frozenset':
        return Array.isArray(data)
          ? mapWithin(data, budget, (x) => convert(x, budget, depth + 1))
          : convert(data, budget, depth + 1);
      case 'datetime.datetime':
      case 'pendulum.datetime.DateTime':
        if (isPlainObject(data)) return isoFromEpochSeconds(data.timestamp) ?? convert(data, budget, depth + 1);
        return isoFromEpochSeconds(data) ?? data;
      case 'datetime.date':
      case 'pendulum.date.Date':
        return data;
      case 'datetime.timedelta':
        return data;
      case 'decimal.Decimal':
        return data;
      default: {
        if (isDataFrameClass(cls)) return v;
        return entriesWithin(v, budget, (x) => convert(x, budget, depth + 1));
      }
    }
  }
  if ('__type' in v && '__var' in v && Object.keys(v).length === 2) {
    const t = String(v.__type);
    const data = v.__var;
    if (t === 'dict') return convert(data, budget, depth + 1);
    if (t === 'datetime') return isoFromEpochSeconds(data) ?? data;
    if (t === 'timedelta' || t === 'date') return data;
    if (t === 'set' || t === 'tuple')
      return Array.isArray(data) ? mapWithin(data, budget, (x) => convert(x, budget, depth + 1)) : data;
    return convert({ __classname__: t, __version__: 0, __data__: data }, budget, depth + 1);
  }
  return entriesWithin(v, budget, (x) => convert(x, budget, depth + 1));
}

/** Maps list items until the budget runs out; the rest becomes one cut marker. */
function mapWithin(items: readonly unknown[], budget: DecodeBudget, map: (x: unknown) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const x of items) {
    if (budget.note) {
      out.push(CUT_MARKER);
      break;
    }
    out.push(map(x));
  }
  return out;
}

/** Maps dict values until the budget runs out; the rest becomes one cut marker entry. */
function entriesWithin(
  v: Record<string, unknown>,
  budget: DecodeBudget,
  map: (x: unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (budget.note) {
      out[CUT_MARKER] = CUT_MARKER;
      break;
    }
    out[k] = map(v[k]);
  }
  return out;
}

function wrapperClass(v: unknown): string | undefined {
  if (isPlainObject(v) && '__classname__' in v && '__data__' in v) return String(v.__classname__);
  if (isPlainObject(v) && '__type' in v && '__var' in v && Object.keys(v).length === 2 && v.__type !== 'dict')
    return String(v.__type);
  return undefined;
}

const CUT_NOTE_END = ': open it to see the stored form';

function classify(value: unknown, origin: { classname?: string; note?: string }, budget: DecodeBudget): DecodedXCom {
  const { classname } = origin;
  const base: Partial<DecodedXCom> = {};
  if (classname) base.classname = classname;
  const notes = [origin.note, budget.note && `Value ${budget.note}${CUT_NOTE_END}`].filter(Boolean);
  if (notes.length > 0) base.note = notes.join('. ');
  if (isDataFrameClass(classname)) {
    const hex = isPlainObject(value) && typeof value.__data__ === 'string' ? value.__data__ : '';
    const problem = parquetHexProblem(hex);
    if (problem) {
      const note = `${corruptDataFrameMessage(problem).replace(/\.$/, '')}: it cannot be previewed`;
      return {
        ...base,
        kind: 'json',
        value,
        note,
        display: 'pandas DataFrame (corrupt Parquet data)',
        pretty: stringifyLenient(value, 2),
      } as DecodedXCom;
    }
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
  const orient = budget.note ? undefined : tableOrientOf(value);
  if (orient) {
    const display = oneLine(`table, ${describeTableSize(value, orient)}: ${previewJson(value, DISPLAY_MAX * 2)}`);
    return withLazyPretty({ ...base, kind: 'table', value, table: { format: orient, data: value }, display });
  }
  const prefix =
    classname && !['builtins.tuple', 'builtins.set', 'builtins.frozenset'].includes(classname) ? `${classname}: ` : '';
  return withLazyPretty({
    ...base,
    kind: 'json',
    value,
    display: oneLine(prefix + previewJson(value, DISPLAY_MAX * 2)),
  });
}

/** Pretty JSON is written only when an editor asks for it: listing a tree of large values never pays for it. */
function withLazyPretty(decoded: Omit<DecodedXCom, 'pretty'>): DecodedXCom {
  let pretty: string | undefined;
  return Object.defineProperty(decoded, 'pretty', {
    enumerable: true,
    get: () => (pretty ??= stringifyLenient(decoded.value, 2)),
  }) as DecodedXCom;
}

function decodeParsed(parsed: unknown, budget: DecodeBudget, note?: string): DecodedXCom {
  const classname = wrapperClass(parsed);
  const value = convert(parsed, budget);
  const origin: { classname?: string; note?: string } = {};
  if (classname) origin.classname = classname;
  if (note) origin.note = note;
  return classify(value, origin, budget);
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

/** Copies the parser's object graph into JSON-like values within the budget (memo sharing and cycles included). */
function plain(v: unknown, budget: DecodeBudget, depth = 0): unknown {
  if (!budget.take(depth)) return CUT_MARKER;
  const next = (x: unknown): unknown => plain(x, budget, depth + 1);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (budget.note) {
        out[CUT_MARKER] = CUT_MARKER;
        break;
      }
      out[String(k)] = next(x);
    }
    return out;
  }
  if (v instanceof Set) return mapWithin([...v], budget, next);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array)
    return `b'${Buffer.from(v.subarray(0, 4096)).toString('latin1')}${v.length > 4096 ? CUT_MARKER : ''}'`;
  if (Array.isArray(v)) return mapWithin(v, budget, next);
  if (typeof v === 'object' && v !== null) return entriesWithin(v as Record<string, unknown>, budget, next);
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
  let parsed: unknown;
  try {
    const parser = new Parser({
      nameResolver: placeholderResolver,
      unpicklingTypeOfDictionary: 'object',
      unpicklingTypeOfSet: 'array',
    });
    parsed = parser.parse(bytes);
  } catch (error) {
    return {
      ...generic,
      note: `Python pickle that could not be read (${errorMessage(error)}): shown as hex, no code was run`,
    };
  }
  const budget = new DecodeBudget(options.limits);
  const value = plain(parsed, budget);
  const note = `Python pickle (protocol ${bytes[1]}), ${size} bytes, read without running any code`;
  const decoded = decodeParsed(value, new DecodeBudget(options.limits), note);
  // The serde pass may have cut the value again; say it once.
  if (budget.note && !decoded.note?.includes(CUT_NOTE_END))
    decoded.note = `${decoded.note}. Value ${budget.note}${CUT_NOTE_END}`;
  return decoded;
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
  return formatBytes(options.storedSize ?? fallback);
}

function decodeText(text: string, options: DecodeOptions, byteLength: number): DecodedXCom {
  let parsed: unknown;
  let parsedOk = false;
  try {
    parsed = parseLenientJson(text);
    parsedOk = true;
  } catch {
    // not (complete) JSON
  }
  if (parsedOk) return decodeParsed(parsed, new DecodeBudget(options.limits));
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
      if (stored.json === null || stored.json === undefined)
        return { kind: 'null', value: null, display: 'null', pretty: 'null' };
      const decoded = decodeText(String(stored.json), options, String(stored.json).length);
      return stored.note
        ? { ...decoded, note: decoded.note ? `${stored.note}. ${decoded.note}` : stored.note }
        : decoded;
    }
    const bytes = stored.bytes;
    if (!bytes || bytes.length === 0)
      return { kind: 'null', value: null, display: 'null', pretty: 'null', note: 'Empty value' };
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
      note: `Could not decode: ${errorMessage(error)}`,
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

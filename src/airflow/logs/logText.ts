// Turns a task log as stored (bytes of a text log, or Airflow 3's JSON lines) into the text an editor shows:
// decoded with replacement, structured lines rendered as "timestamp LEVEL event", and exceptions as Python
// tracebacks so their frames read (and link) like any other.
import { nextTurn } from '../../timeSlices';
import { formatBytes } from '../../formatBytes';

/** One try's log as read. */
export interface TaskLog {
  /** The log text. */
  text: string;
  /** Set when the log was cut or repaired: what the reader should know. */
  note?: string;
  /** 0-based line of the last "Traceback" in the text, or undefined. */
  tracebackLine?: number;
}

/** Longest partial first line dropped from a tail (a longer one is kept, cut). */
const PARTIAL_LINE_LIMIT = 64 * 1024;

/** What Python prints above a traceback. */
const TRACEBACK_HEADER = 'Traceback (most recent call last)';

interface ErrorFrame {
  filename?: unknown;
  lineno?: unknown;
  name?: unknown;
}

interface ErrorDetail {
  exc_type?: unknown;
  exc_value?: unknown;
  frames?: unknown;
  is_cause?: unknown;
}

/** Structlog's exception dicts (Airflow 3's `error_detail`) as Python would print them. */
function tracebackText(detail: unknown): string {
  if (!Array.isArray(detail)) return '';
  const blocks = [...(detail as ErrorDetail[])].reverse().map((e, i, all) => {
    const lines = [`${TRACEBACK_HEADER}:`];
    for (const f of Array.isArray(e.frames) ? (e.frames as ErrorFrame[]) : [])
      lines.push(`  File "${String(f.filename ?? '?')}", line ${String(f.lineno ?? '?')}, in ${String(f.name ?? '?')}`);
    const value = e.exc_value === undefined || e.exc_value === '' ? '' : `: ${String(e.exc_value)}`;
    lines.push(`${String(e.exc_type ?? 'Exception')}${value}`);
    const next = all[i + 1];
    if (next)
      lines.push(
        '',
        e.is_cause
          ? 'The above exception was the direct cause of the following exception:'
          : 'During handling of the above exception, another exception occurred:',
        '',
      );
    return lines.join('\n');
  });
  return blocks.join('\n');
}

/** One structured log message (Airflow 3) as a line of text, its exception as a traceback below it. */
export function structuredMessageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (!message || typeof message !== 'object') return String(message);
  const { timestamp, event, level, logger, error_detail } = message as Record<string, unknown>;
  const head = [
    timestamp,
    level ? String(level).toUpperCase() : undefined,
    logger ? `[${String(logger)}]` : undefined,
    typeof event === 'string' ? event : event === undefined ? undefined : JSON.stringify(event),
  ]
    .filter((x) => x !== undefined && x !== null && x !== '')
    .join(' ');
  const traceback = tracebackText(error_detail);
  return traceback ? `${head}\n${traceback}` : head;
}

/** True when a text looks like Airflow 3's JSON-lines log: its first non-empty line is an object with `event`. */
function isJsonLines(text: string): boolean {
  const first = /^\s*(\S[^\n]*)/.exec(text)?.[1];
  if (!first?.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(first) as unknown;
    return !!parsed && typeof parsed === 'object' && ('event' in parsed || 'timestamp' in parsed);
  } catch {
    return false;
  }
}

/** One line of a JSON-lines log rendered; a line that is not a JSON object is kept as it is. */
function renderJsonLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    return structuredMessageText(JSON.parse(line));
  } catch {
    return line;
  }
}

/** Longest stretch of rendering between two yields to the event loop: the host thread stays free. */
const SLICE_MS = 10;

/** A JSON-lines log rendered line by line, yielding to the event loop every few milliseconds. */
async function renderJsonLines(text: string): Promise<string> {
  const lines = text.split('\n');
  await nextTurn();
  let sliceStart = performance.now();
  for (let i = 0; i < lines.length; i++) {
    if (i % 100 === 99 && performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    lines[i] = renderJsonLine(lines[i]);
  }
  await nextTurn();
  return lines.join('\n');
}

/** The 0-based line of the last traceback header in a text. */
function lastTracebackLine(text: string): number | undefined {
  const at = text.lastIndexOf(TRACEBACK_HEADER);
  if (at < 0) return undefined;
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A TaskLog from text already decoded (structured lines rendered); `notes` are joined into its note. */
export function taskLogFromText(text: string, notes: string[] = []): TaskLog {
  return finish(isJsonLines(text) ? text.split('\n').map(renderJsonLine).join('\n') : text, notes);
}

function finish(rendered: string, notes: string[]): TaskLog {
  const tracebackLine = lastTracebackLine(rendered);
  const note = notes.filter(Boolean).join(' ');
  return { text: rendered, ...(note ? { note } : {}), ...(tracebackLine !== undefined ? { tracebackLine } : {}) };
}

/**
 * A TaskLog from the stored bytes of a log's tail: `skipped` bytes before them were not read (the first, partial
 * line is dropped then), invalid UTF-8 is replaced with U+FFFD and said so.
 */
export async function taskLogFromBytes(bytes: Uint8Array, skipped: number): Promise<TaskLog> {
  const notes: string[] = [];
  let body = bytes;
  if (skipped > 0) {
    // The first line is cut mid-way: drop it, unless it is so long that it is most of what was read.
    const newline = body.subarray(0, PARTIAL_LINE_LIMIT).indexOf(0x0a);
    const dropped = newline >= 0 ? newline + 1 : 0;
    body = body.subarray(dropped);
    notes.push(
      `The log is ${formatBytes(skipped + bytes.byteLength)}: its first ${formatBytes(skipped + dropped)} are skipped ` +
        `and the last ${formatBytes(body.byteLength)} shown (raise xcomLens.logs.tailMegabytes to see more).`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = new TextDecoder('utf-8').decode(body);
    let replaced = 0;
    for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) replaced++;
    notes.push(
      `The log is not valid UTF-8: ${replaced} undecodable byte sequence${replaced === 1 ? ' is' : 's are'} shown as "\uFFFD".`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  await nextTurn();
  return finish(isJsonLines(text) ? await renderJsonLines(text) : text, notes);
}

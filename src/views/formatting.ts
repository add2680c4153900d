// Pure text formatting for tree labels, descriptions and tooltips.
import { INVISIBLE_CHARACTERS } from '../invisibleCharacters';

/** "1.2 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

/** Seconds between two ISO timestamps, or null. */
export function secondsBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const s = Date.parse(start);
  const e = Date.parse(end);
  return Number.isFinite(s) && Number.isFinite(e) ? Math.max(0, (e - s) / 1000) : null;
}

/** "2024-01-01 06:00:00 UTC" from an ISO timestamp. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

/** "5 min ago", "3 days ago" relative to `now`. */
export function formatAge(date: Date | string | null | undefined, now: number = Date.now()): string {
  if (!date) return '';
  const t = typeof date === 'string' ? Date.parse(date) : date.getTime();
  if (!Number.isFinite(t)) return '';
  const seconds = Math.max(0, (now - t) / 1000);
  if (seconds < 60) return 'just now';
  const steps: Array<[number, string]> = [
    [60, 'min'],
    [3600, 'h'],
    [86400, 'day'],
    [2592000, 'month'],
    [31536000, 'year'],
  ];
  let label = 'min';
  let size = 60;
  for (const [s, l] of steps) if (seconds >= s) [size, label] = [s, l];
  const n = Math.floor(seconds / size);
  const plural = (label === 'day' || label === 'month' || label === 'year') && n !== 1 ? 's' : '';
  return `${n} ${label}${plural} ago`;
}

/** Shows bidi controls and invisible format characters as visible `\u202E` escapes, so data cannot hide or reorder text. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Cuts text to one line of at most `max` characters (invisible characters made visible first). */
export function oneLine(text: string, max = 80): string {
  const flat = visibleText(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Escapes text for a Markdown tooltip so data never becomes markup. */
export function escapeMarkdown(text: string): string {
  return visibleText(text).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/**
 * Text as a Markdown code span, shown exactly as it is: a code span takes no backslash escapes (`extract\_orders`
 * would show the backslash), so the text goes in raw, between backtick fences longer than any backtick run inside.
 */
export function markdownCode(text: string): string {
  const shown = visibleText(text).replace(/\s*[\r\n]+\s*/g, ' ');
  if (!shown) return '';
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end of a code span that starts and ends with one.
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** The first line of an XCom's tooltip: "**return_value** from `extract_orders` [2]" (Markdown). */
export function xcomTooltipHeading(key: string, taskId: string, mapIndex: number): string {
  return `**${escapeMarkdown(key)}** from ${markdownCode(taskId)}${mapIndex >= 0 ? ` \\[${mapIndex}\\]` : ''}`;
}

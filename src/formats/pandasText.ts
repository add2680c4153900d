// Dates and times as pandas prints them: `str(pandas.Timestamp)` (`2026-11-19 08:00:00`, `.123000` or nanoseconds
// when there is a fraction, `+00:00` when it has a zone) and `str(datetime.date)`. The text sorts in time order.

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The fraction `str(Timestamp)` prints: none, microseconds, or nanoseconds when they are not zero. */
function fractionText(ns: number): string {
  if (ns === 0) return '';
  return ns % 1000 === 0 ? `.${pad(ns / 1000, 6)}` : `.${pad(ns, 9)}`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad(i));
/** The last day formatted: timestamps of one column mostly share their days. */
let cachedDay = NaN;
let cachedDayText = '';

/** `str(datetime.date)` of a day counted from 1970-01-01. */
export function dayText(day: number): string {
  if (day !== cachedDay) {
    const d = new Date(day * 86_400_000);
    cachedDayText = `${pad(d.getUTCFullYear(), 4)}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]}`;
    cachedDay = day;
  }
  return cachedDayText;
}

/** `str(Timestamp)` of a UTC instant given as whole epoch seconds plus nanoseconds, with an optional offset. */
export function timestampText(seconds: number, ns: number, offsetMinutes?: number): string {
  const wall = seconds + (offsetMinutes ?? 0) * 60;
  const day = Math.floor(wall / 86_400);
  const t = wall - day * 86_400;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t - h * 3600) / 60);
  const time = `${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[t - h * 3600 - m * 60]}`;
  return `${dayText(day)} ${time}${fractionText(ns)}${offsetMinutes === undefined ? '' : offsetText(offsetMinutes)}`;
}

function offsetText(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const NS_PER_SECOND = 1_000_000_000n;

/** `str(Timestamp)` of a naive datetime64[ns] given as epoch nanoseconds. */
export function nanosecondsText(nanos: bigint): string {
  const seconds = nanos / NS_PER_SECOND - (nanos % NS_PER_SECOND < 0n ? 1n : 0n);
  return timestampText(Number(seconds), Number(nanos - seconds * NS_PER_SECOND));
}

// Finds where CSV rows end in a byte stream without parsing the fields, so the stream can be cut into
// batches that parse independently (in worker threads). It follows papaparse's quoting rules: a quote opens
// a field only at the field's start, `""` inside a quoted field is a quote, and a quoted field closes at a
// quote followed (after optional spaces) by the delimiter or the newline. Quote-free stretches are skipped
// with native byte searches, so a CSV without quotes costs two searches per chunk.

const enum State {
  /** At the start of a field (after a delimiter or a newline). */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field (it may close the field or start `""`). */
  AfterQuote,
  /** After a quote and spaces: closes the field if the delimiter or newline comes next. */
  AfterQuoteSpaces,
}

const SPACE = 0x20;

/**
 * Tracks quoting state across chunks and remembers row ends outside quotes: the last one, and about one every
 * `spacing` bytes before it, so a caller can cut batches of about that size whatever the chunk size.
 */
export class RowBoundaryScanner {
  private state = State.FieldStart;
  private scanned = 0;
  /** Row ends kept (offsets just past a newline outside quotes, from the first byte still held), ascending. */
  private ends: number[] = [];

  /** Single-byte delimiter, newline's last byte (`\n` for `\r\n`) and quote. */
  constructor(
    private readonly delimiter: number,
    private readonly newline: number,
    private readonly quote = 0x22,
    private readonly spacing = Infinity,
  ) {}

  /** Offset just past the last row end seen outside quotes, or -1. */
  get lastRowEnd(): number {
    return this.ends.length > 0 ? this.ends[this.ends.length - 1] : -1;
  }

  /** True while the bytes scanned end inside a quoted field. */
  get inQuotes(): boolean {
    return this.state === State.Quoted || this.state === State.AfterQuote || this.state === State.AfterQuoteSpaces;
  }

  /** The row ends kept, ascending: about `spacing` apart, and the last one seen. */
  get rowEnds(): readonly number[] {
    return this.ends;
  }

  /** The first row end at or after `offset`, or the last one if none is that far, or -1. */
  rowEndAtLeast(offset: number): number {
    for (const end of this.ends) if (end >= offset) return end;
    return this.lastRowEnd;
  }

  private record(end: number): void {
    const ends = this.ends;
    const n = ends.length;
    // Keep the previous end only if it is a spacing away from the one before it; the newest end is always kept.
    if (n >= 2 && ends[n - 1] - ends[n - 2] < this.spacing) ends[n - 1] = end;
    else ends.push(end);
  }

  /** Scans the next chunk of the stream. */
  scan(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    const base = this.scanned;
    const { delimiter, newline, quote } = this;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart:
        case State.Unquoted: {
          const q = buf.indexOf(quote, i);
          const stop = q < 0 ? n : q;
          if (stop > i) {
            if (this.spacing !== Infinity) {
              // Row ends about a spacing apart inside this quote-free stretch.
              for (let at = i; ;) {
                const nl = buf.indexOf(newline, Math.max(at, this.lastRowEnd + this.spacing - base - 1));
                if (nl < 0 || nl >= stop) break;
                this.record(base + nl + 1);
                at = nl + 1;
              }
            }
            const nl = buf.lastIndexOf(newline, stop - 1);
            if (nl >= i && base + nl + 1 > this.lastRowEnd) this.record(base + nl + 1);
            const last = buf[stop - 1];
            this.state = last === newline || last === delimiter ? State.FieldStart : State.Unquoted;
          }
          if (q < 0) {
            i = n;
          } else {
            // A quote in the middle of an unquoted field is just a character.
            if (this.state === State.FieldStart) this.state = State.Quoted;
            i = q + 1;
          }
          break;
        }
        case State.Quoted: {
          const q = buf.indexOf(quote, i);
          if (q < 0) {
            i = n;
          } else {
            this.state = State.AfterQuote;
            i = q + 1;
          }
          break;
        }
        case State.AfterQuote:
        case State.AfterQuoteSpaces: {
          const b = buf[i];
          if (b === delimiter) this.state = State.FieldStart;
          else if (b === newline) {
            this.state = State.FieldStart;
            this.record(base + i + 1);
          } else if (b === SPACE || b === 0x0d) this.state = State.AfterQuoteSpaces;
          else if (b === quote) this.state = this.state === State.AfterQuote ? State.Quoted : State.AfterQuote;
          else this.state = State.Quoted;
          i++;
          break;
        }
      }
    }
    this.scanned += n;
  }

  /** Forgets the first `bytes` bytes (cut off into a batch at one of the row ends). */
  drop(bytes: number): void {
    this.scanned -= bytes;
    this.ends = this.ends.filter((end) => end > bytes).map((end) => end - bytes);
  }
}

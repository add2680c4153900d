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

/** Tracks quoting state across chunks and remembers the last row end outside quotes. */
export class RowBoundaryScanner {
  private state = State.FieldStart;
  private scanned = 0;
  /** Offset just past the last row end seen outside quotes (counted from the first byte still held), or -1. */
  lastRowEnd = -1;

  /** Single-byte delimiter, newline's last byte (`\n` for `\r\n`) and quote. */
  constructor(private readonly delimiter: number, private readonly newline: number, private readonly quote = 0x22) {}

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
            const nl = buf.lastIndexOf(newline, stop - 1);
            if (nl >= i) this.lastRowEnd = base + nl + 1;
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
            this.lastRowEnd = base + i + 1;
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

  /** Forgets the first `bytes` bytes (cut off into a batch; `bytes` is at most `lastRowEnd`). */
  drop(bytes: number): void {
    this.scanned -= bytes;
    this.lastRowEnd = this.lastRowEnd > bytes ? this.lastRowEnd - bytes : -1;
  }
}

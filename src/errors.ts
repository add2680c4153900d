// The one home of error text and cancellation, for the host and the webview alike: no `vscode`, no Node built-ins.
// Every layer shows an error with `errorMessage`, recognises a user's Cancel with `isCancellation`, and raises a
// cancel as `CancellationError` (or lets `throwIfCancelled` do it).

/** A user's Cancel (an aborted signal), as raised by every XCom Lens layer. */
export class CancellationError extends Error {
  /** Same name as the DOM's AbortError, so libraries that check `name` treat it as an abort too. */
  override readonly name = 'AbortError';
  constructor(message = 'Cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The message to show for any thrown value: an Error's message, else its string form; never empty. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name || 'Unknown error';
  if (typeof error === 'string') return error || 'Unknown error';
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message || 'Unknown error';
  }
  return String(error);
}

/** True for a cancel from any layer: ours, the DOM/Node `AbortError`, the AWS SDK's `ABORT_ERR`, a `kind: 'cancelled'`. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof CancellationError) return true;
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; code?: unknown; kind?: unknown };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.kind === 'cancelled';
}

/** Throws a CancellationError when `signal` is aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new CancellationError(message);
}

/** Waits `ms`, or rejects with a CancellationError as soon as `signal` aborts. */
export function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancellationError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancellationError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `code` of a failed ranged read whose server does not serve byte ranges (it sends the whole object), the bytes
 * being too far into the object to reach that way. Set by the object store, read by the table parser.
 */
export const RANGES_NOT_SERVED = 'RangesNotServed';

/** True for a failed ranged read whose server does not serve byte ranges. */
export function isRangesNotServed(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === RANGES_NOT_SERVED;
}

/**
 * `code` of a read refused because the object is no longer the version reading began on (a GET's If-Match failed:
 * a re-run uploaded over the key). Set by the object store, read by the table client.
 */
export const OBJECT_CHANGED = 'ObjectChanged';

/** True for a read refused because the object changed since reading began. */
export function isObjectChanged(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === OBJECT_CHANGED;
}

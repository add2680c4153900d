// Long work on a shared thread, done in slices: the thread is given back between them, so its other work (the
// extension host's other extensions, a worker's messages) runs in between.

/** Lets the rest of the thread's work run (one turn of the event loop) before going on. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A clock for work done in slices of about `ms`, however many calls the work is spread over. */
export class TimeSlices {
  private until: number;

  constructor(private readonly ms: number) {
    this.until = performance.now() + ms;
  }

  /** Gives the thread back once the current slice is used up, then starts the next one. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() < this.until) return;
    await nextTurn();
    this.until = performance.now() + this.ms;
  }
}

/**
 * An AbortSignal for sliced work that has no signal of its own to poll: it aborts once `check` (a request's cancel
 * check) throws, polled every 10 ms while the work yields between its slices; `done` stops the polling.
 */
export function pollCheck(check: () => void): { signal: AbortSignal; done(): void } {
  const stop = new AbortController();
  const poll = setInterval(() => {
    try {
      check();
    } catch (e) {
      stop.abort(e);
    }
  }, 10);
  return { signal: stop.signal, done: () => clearInterval(poll) };
}

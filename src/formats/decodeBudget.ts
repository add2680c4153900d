// Limits for every decoder: nodes built, nesting depth and time spent, so that a hostile value (a pickle whose memo
// shares one list 30 levels deep, JSON nested 10,000 levels) is cut with a note instead of freezing the host.

/** How much work one decode may do. */
export interface DecodeLimits {
  /** Values (scalars, list items, dict entries) built at most. */
  maxNodes: number;
  /** Nesting levels kept at most. */
  maxDepth: number;
  /** Milliseconds spent at most. */
  maxMillis: number;
}

/** The limits used when the caller names none: well under 50 ms of host time for any input. */
const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxNodes: 100_000, maxDepth: 400, maxMillis: 20 };

/** What stands in for the part of a value that was cut. */
export const CUT_MARKER = '…cut';

/** Counts the work of one decode; once a limit is reached every further `take` says no and `note` says why. */
export class DecodeBudget {
  private nodes = 0;
  private readonly started = Date.now();
  /** Why the value was cut, once it was. */
  note: string | undefined;

  constructor(readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {}

  /** Accounts for one node at `depth`; false when it must be left out. */
  take(depth: number): boolean {
    if (this.note) return false;
    if (depth > this.limits.maxDepth) {
      this.note = `cut at ${this.limits.maxDepth.toLocaleString('en-US')} levels of nesting`;
      return false;
    }
    this.nodes += 1;
    if (this.nodes > this.limits.maxNodes) {
      this.note = `cut at ${this.limits.maxNodes.toLocaleString('en-US')} values`;
      return false;
    }
    if ((this.nodes & 1023) === 0 && Date.now() - this.started > this.limits.maxMillis) {
      this.note = `cut after ${this.limits.maxMillis} ms of decoding`;
      return false;
    }
    return true;
  }
}

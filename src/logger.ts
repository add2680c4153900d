/** The small logging surface pure modules accept; the host adapts a LogOutputChannel to it. */
export interface Logger {
  /** Detail useful when diagnosing a problem. */
  debug(message: string): void;
  /** Normal progress. */
  info(message: string): void;
  /** Something went wrong but work goes on. */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
}

/** A logger that drops everything, for tests and defaults. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

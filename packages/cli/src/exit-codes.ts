/**
 * Exit codes shared by every command, documented in the README.
 *
 * @module
 */

/** What the process exit status means, the same for every command. */
export const ExitCode = {
  /** The command did what was asked: signature valid, delivery accepted (2xx). */
  Ok: 0,
  /** The command ran but the check failed: invalid signature, non-2xx answer, rejected delivery. */
  Failed: 1,
  /** The command line is wrong: unknown command or option, missing or invalid value. */
  Usage: 2,
  /** A file, port or URL could not be used: unreadable file, port in use, connection refused, timeout. */
  Unreachable: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one error type commands throw to stop with a message and an exit code.
 *
 * @module
 */
import { ExitCode } from "./exit-codes";

/**
 * A failure the user can act on. `main` prints `@attesta/cli: <message>` to
 * stderr (or a JSON object with `--json`) and exits with `exitCode`.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** A wrong command line: says what was wrong and how to fix it; exits 2. */
export function usageError(problem: string, fix: string): CliError {
  return new CliError(`${problem} Fix: ${fix}`, ExitCode.Usage);
}

/** A file or network resource that could not be used; exits 3. */
export function ioError(problem: string, fix: string, cause?: unknown): CliError {
  return new CliError(`${problem} Fix: ${fix}`, ExitCode.Unreachable, { cause });
}

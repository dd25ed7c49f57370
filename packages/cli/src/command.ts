/**
 * The shape every `attesta <command>` module exports.
 *
 * @module
 */
import type { Io } from "./io";

/** One sub-command of the `attesta` bin. */
export interface Command {
  name: string;
  /** The full `attesta <name> --help` text. */
  help: string;
  /** Runs the command and resolves to the process exit code. */
  run(argv: string[], io: Io): Promise<number>;
}

/** The exit code lines every help text ends with. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success: signature valid, delivery accepted (2xx)
  1  the check failed: invalid signature, non-2xx answer, rejected delivery
  2  usage error: unknown option, missing or invalid value
  3  a file, port or URL could not be used (unreadable, in use, unreachable, timed out)`;

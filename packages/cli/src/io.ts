/**
 * The process streams and environment a command runs with.
 *
 * @module
 */
import { type Palette, palette, wantsColor } from "./color";

/** What a command may touch besides its arguments. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** Colours for stdout lines; plain strings when stdout is not a colour terminal. */
  paint: Palette;
  /** Prints one line on stdout. */
  out(line: string): void;
  /** Prints one line on stderr. */
  err(line: string): void;
}

/** The Io of this process. */
export function processIo(): Io {
  const { stdout, stderr, stdin, env } = process;
  return {
    stdout,
    stderr,
    stdin,
    env,
    paint: palette(wantsColor(stdout, env)),
    out: (line) => stdout.write(`${line}\n`),
    err: (line) => stderr.write(`${line}\n`),
  };
}

/**
 * ANSI colour, only for terminals and never when NO_COLOR is set.
 *
 * @module
 */

/** Wraps text in one colour, or returns it unchanged. */
export type Paint = (text: string) => string;

/** The few colours the commands use. */
export interface Palette {
  enabled: boolean;
  green: Paint;
  red: Paint;
  yellow: Paint;
  dim: Paint;
  bold: Paint;
}

/**
 * Colour is used when the stream is a terminal, unless `NO_COLOR` is set to a
 * non-empty value (https://no-color.org). `FORCE_COLOR` (non-empty, not `0`)
 * turns it on for pipes, as many Node tools accept; `NO_COLOR` still wins.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

function sgr(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain: Paint = (text) => text;

/** The palette for a stream that does (or does not) get colour. */
export function palette(enabled: boolean): Palette {
  if (!enabled)
    return { enabled, green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
  return {
    enabled,
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

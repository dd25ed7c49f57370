// @ts-check
/**
 * Terminal output for the demo: colour only on a TTY, and a fixed-width table
 * that stays aligned whether or not colour codes are present.
 *
 * @module
 */

/**
 * Colour when stdout is a terminal, unless NO_COLOR is set; FORCE_COLOR
 * overrides both, as in Node itself (https://no-color.org,
 * https://force-color.org).
 *
 * @param {{ isTTY?: boolean }} stream
 * @param {Record<string, string | undefined>} env
 */
export function wantsColour(stream, env) {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

const CODES = /** @type {const} */ ({
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
});

/** @typedef {keyof typeof CODES} Style */
/** @typedef {(style: Style | undefined, text: string) => string} Paint */

/**
 * @param {boolean} enabled
 * @returns {Paint}
 */
export function painter(enabled) {
  return (style, text) => {
    if (!enabled || !style) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/**
 * @typedef {object} Column
 * @property {string} title
 * @property {number} width
 * @property {"left" | "right"} [align]
 */

/**
 * @typedef {string | { text: string; style?: Style | undefined }} Cell
 */

/**
 * Prints rows as they come; widths are fixed up front because rows arrive
 * live and earlier lines cannot be re-aligned.
 */
export class LiveTable {
  /**
   * @param {Column[]} columns
   * @param {Paint} paint
   * @param {(line: string) => void} write
   */
  constructor(columns, paint, write) {
    this.columns = columns;
    this.paint = paint;
    this.write = write;
  }

  header() {
    const titles = this.columns.map((column) => this.#fit(column, column.title));
    this.write(this.paint("bold", `  ${titles.join("  ")}`.trimEnd()));
  }

  /** @param {Cell[]} cells */
  row(cells) {
    const last = this.columns.length - 1;
    const rendered = this.columns.map((column, index) => {
      const cell = cells[index] ?? "";
      const { text, style } = typeof cell === "string" ? { text: cell, style: undefined } : cell;
      // No padding after the last column: it would sit inside the colour codes.
      const fitted =
        index === last && column.align !== "right"
          ? this.#fit(column, text).trimEnd()
          : this.#fit(column, text);
      return this.paint(style, fitted);
    });
    this.write(`  ${rendered.join("  ")}`.trimEnd());
  }

  /**
   * @param {Column} column
   * @param {string} text
   */
  #fit(column, text) {
    const clipped = text.length > column.width ? `${text.slice(0, column.width - 1)}…` : text;
    return column.align === "right" ? clipped.padStart(column.width) : clipped.padEnd(column.width);
  }
}

/**
 * A progress line for long operations: rewritten in place on a terminal,
 * a few plain lines otherwise.
 *
 * @module
 */

/** Reports `done` of `total`; `finish` leaves the last state on its own line. */
export interface ProgressLine {
  update(done: number): void;
  finish(done: number): void;
}

/** Progress on `stream` (stderr, so stdout stays clean for --json). */
export function progressLine(
  stream: NodeJS.WriteStream,
  label: string,
  total: number,
): ProgressLine {
  const text = (done: number) =>
    `${label}: ${done} of ${total} (${total === 0 ? 100 : Math.floor((done * 100) / total)}%)`;
  if (stream.isTTY) {
    let last = 0;
    return {
      // Redrawing at most every 50 ms keeps a large recovery from spending its time on the terminal.
      update(done) {
        const now = performance.now();
        if (now - last < 50) return;
        last = now;
        stream.write(`\r${text(done)}\u001b[K`);
      },
      finish(done) {
        stream.write(`\r${text(done)}\u001b[K\n`);
      },
    };
  }
  let reported = -1;
  return {
    // Without a terminal: one line per tenth of the work.
    update(done) {
      const tenth = Math.floor((done * 10) / Math.max(total, 1));
      if (tenth === reported) return;
      reported = tenth;
      stream.write(`${text(done)}\n`);
    },
    finish(done) {
      stream.write(`${text(done)}\n`);
    },
  };
}

/**
 * The PostgresStore's database thread while it closes: an answer that arrives after close()
 * began must not unreference the thread, or a process with nothing else to do exits (code 13,
 * an unsettled await) before close() resolves. Real PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { DatabaseThread } from "../src/postgres/database-thread";
import { DATABASE_URL } from "./postgres/database";

const quiet = { notify: () => {}, listening: () => {} };

describe("DatabaseThread.close", () => {
  it("stays referenced until closed when a query is still running as close() begins", async () => {
    const thread = new DatabaseThread(
      { connectionString: DATABASE_URL },
      "attesta_thread_close_test",
      5_000,
      quiet,
    );
    const worker = (thread as unknown as { worker: { unref(): void } }).worker;
    let closing = false;
    const unrefsWhileClosing: number[] = [];
    const unref = worker.unref.bind(worker);
    worker.unref = () => {
      if (closing) unrefsWhileClosing.push(Date.now());
      unref();
    };
    // The thread answers in order: this reply arrives after close() has sent its message.
    const slow = thread.run([{ text: "SELECT pg_sleep(0.3)" }]);
    closing = true;
    const closed = thread.close();
    await expect(slow).resolves.toHaveLength(1);
    await closed;
    expect(unrefsWhileClosing).toEqual([]);
  });
});

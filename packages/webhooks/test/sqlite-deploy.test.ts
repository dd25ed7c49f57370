import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTestReceiver, within } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { parseTagged, startNode } from "./support/child-process";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
if (!existsSync(here("../dist/sqlite/index.js")))
  throw new Error('dist/ is missing: run "pnpm --filter @attesta/webhooks build" first');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

const EVENTS = 2000;

/** Every delivery in the file with its attempts, as "attempt:error_kind" oldest first. */
function deliveriesIn(path: string): Map<string, { status: string; attempts: string[] }> {
  const inspector = SqliteStore.inspect(path);
  try {
    return new Map(
      inspector.list({ limit: 100_000 }).map((d) => [
        d.id,
        {
          status: d.status,
          attempts: d.attemptLog.map((a) => `${a.attempt}:${a.errorKind ?? "ok"}`),
        },
      ]),
    );
  } finally {
    inspector.close();
  }
}

describe("a deploy with a SqliteStore while the receiver is down", () => {
  it("close({ deadlineMs: 1000 }) keeps everything owed, and the next process delivers all of it under the original ids, with no dead letter", async () => {
    const path = tempDbPath();
    let up = false;
    // Down: takes the request and never answers, so attempts are in flight at the deadline.
    const receiver = await startTestReceiver((_req, res) => {
      if (up) res.writeHead(204).end();
    });
    const run = (mode: "before" | "after") =>
      startNode(
        [here("./sqlite/deploy-process.mjs"), mode, path, receiver.url, String(EVENTS)],
        children,
      );

    const before = await run("before");
    expect(parseTagged(before.line, "OWED")).toEqual({ owed: EVENTS });
    await within(receiver.waitForRequests(4), 10_000, "no attempt reached the receiver");
    const cutShort = new Set(receiver.requests.map((r) => String(r.headers["x-attesta-delivery"])));
    let closed = "";
    before.child.stdout?.on("data", (chunk: Buffer) => {
      closed += chunk.toString();
    });
    before.child.kill("SIGTERM");
    await within(once(before.child, "exit"), 15_000, "the first process did not exit");
    const report = parseTagged(closed.trim(), "CLOSED");
    expect(report).toEqual({ kept: EVENTS, timedOut: true, undelivered: 0, dead: 0 });

    const owed = deliveriesIn(path);
    expect(owed.size).toBe(EVENTS);
    expect([...owed.values()].every((d) => d.status === "pending")).toBe(true);
    for (const id of cutShort) expect(owed.get(id)?.attempts).toEqual(["1:aborted"]);

    up = true;
    const downRequests = receiver.requests.length;
    const after = await run("after");
    expect(parseTagged(after.line, "AFTER")).toEqual({
      delivered: EVENTS,
      kept: 0,
      undelivered: 0,
      dead: 0,
    });
    const sent = receiver.requests
      .slice(downRequests)
      .map((r) => String(r.headers["x-attesta-delivery"]));
    expect(new Set(sent)).toEqual(new Set(owed.keys()));

    const settled = deliveriesIn(path);
    expect([...settled.values()].filter((d) => d.status !== "delivered")).toEqual([]);
    // Attempt numbers continue across the processes: the cut-short ones went out as attempt 2.
    for (const id of cutShort) expect(settled.get(id)?.attempts).toEqual(["1:aborted", "2:ok"]);
  }, 90_000);
});

import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "@attesta/events";
import { startTestReceiver, until, within } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import type { DispatcherEvents } from "../src/index";
import { SqliteStore, SqliteStoreError } from "../src/sqlite/index";
import { sampleData, tagOf } from "./support/events";

/** A small tmpfs of its own, so the disk really fills up; needs root (CI runs as root). */
function mountSmallDisk(sizeMiB: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "attesta-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m`, "tmpfs", dir], {
      stdio: "ignore",
    });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const mounts: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const dir of mounts.splice(0)) {
    execFileSync("umount", ["-l", dir], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Writes a filler file until the volume is full; returns its path. */
function fillDisk(dir: string): string {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (let i = 0; i < 100_000; i++) writeSync(fd, chunk);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
  } finally {
    closeSync(fd);
  }
  return path;
}

const probe = mountSmallDisk(1);
if (probe !== undefined) {
  execFileSync("umount", ["-l", probe], { stdio: "ignore" });
  rmSync(probe, { recursive: true, force: true });
}

describe("a SqliteStore on a disk that fills up", () => {
  it.runIf(probe !== undefined)(
    "keeps the process alive, reports the full disk once, holds what it could not write, and delivers everything once space comes back",
    async () => {
      const dir = mountSmallDisk(16) as string;
      mounts.push(dir);
      const receiver = await startTestReceiver();
      const bus = new EventBus();
      const errors: string[] = [];
      const failing: DispatcherEvents["store.failing"][] = [];
      const recovered: DispatcherEvents["store.recovered"][] = [];
      const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, secret: "whsec_full" }], {
        store: new SqliteStore({ path: join(dir, "deliveries.db"), maxUncommitted: 500 }),
        logger: {
          error: (message, fields) =>
            errors.push(`${message} ${String((fields as { error?: Error }).error?.message)}`),
          warn: () => {},
        },
      });
      cleanups.push(async () => {
        await dispatcher.close({ deadlineMs: 0 });
      });
      dispatcher.events.on("store.failing", ({ data }) => failing.push(data));
      dispatcher.events.on("store.recovered", ({ data }) => recovered.push(data));
      // 1 KiB of data per event, so the file outgrows the room the WAL already has.
      const padding = "x".repeat(1024);
      let emitted = 0;
      const emit = (count: number) => {
        for (let k = 0; k < count; k++, emitted++) {
          bus.emit({
            type: "approved",
            data: { ...sampleData("approved", emitted), metadata: { n: emitted, padding } },
          });
        }
      };

      emit(200);
      await dispatcher.persisted();
      const acknowledged = new Set<number>(Array.from({ length: 200 }, (_, n) => n));
      await within(dispatcher.flush(), 10_000, "the first 200 were not delivered");

      const filler = fillDisk(dir);
      let cause: unknown;
      for (let round = 0; round < 40 && cause === undefined; round++) {
        const from = emitted;
        emit(100);
        try {
          await dispatcher.persisted();
          for (let n = from; n < emitted; n++) acknowledged.add(n);
        } catch (error) {
          cause = error;
        }
      }
      expect(cause).toBeInstanceOf(SqliteStoreError);
      expect((cause as SqliteStoreError).message).toMatch(
        /disk \(or the file's size limit\) is full/,
      );
      expect((cause as SqliteStoreError).code).toBe("io");
      // better-sqlite3 names the code; node:sqlite gives its number (13, SQLITE_FULL).
      const { code, errcode } = (cause as Error).cause as { code?: string; errcode?: number };
      expect(code?.startsWith("SQLITE_FULL") || ((errcode ?? 0) & 0xff) === 13).toBe(true);
      // A bad event on top: refused on the caller's stack, nothing queued, nothing thrown later.
      expect(() => dispatcher.dispatch({ type: "approved", data: {} } as never)).toThrow(
        /timestamp/,
      );
      emit(300);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The failing round's 100 and these 300 are held; of the next 200, the bound (500) refuses 100.
      emit(200);
      const stats = dispatcher.stats();
      expect(stats.dropped).toBe(100);
      expect(stats.store).toMatchObject({ kind: "sqlite", failing: true });
      expect(stats.store?.uncommitted).toBeGreaterThan(300);
      expect(failing).toHaveLength(1);
      expect(failing[0]?.store).toBe("sqlite");
      expect(errors.filter((e) => e.includes("cannot commit"))).toHaveLength(1);
      expect(errors.some((e) => /is full/.test(e))).toBe(true);
      expect(errors.some((e) => / 0 delivery\(ies\)/.test(e))).toBe(false);

      unlinkSync(filler);
      await until(() => recovered.length === 1, 15_000);
      await within(dispatcher.persisted(), 5000, "persisted() after the disk recovered");
      await within(dispatcher.flush(), 30_000, "flush() after the disk recovered");
      const received = new Set(receiver.requests.map((r) => tagOf(r.body)));
      for (const n of acknowledged) expect(received.has(n)).toBe(true);
      // Nothing else was dropped: every event held in memory went out.
      expect(received.size).toBe(emitted - 100);
      expect(dispatcher.stats()).toMatchObject({
        delivered: emitted - 100,
        store: { failing: false, uncommitted: 0 },
      });
      expect(failing).toHaveLength(1);
      expect(dispatcher.deliveries.list({ status: "pending" })).toHaveLength(0);
    },
    90_000,
  );
});

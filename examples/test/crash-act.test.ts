import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { crashAct } from "../demo/crash-act.mjs";
import { painter } from "../demo/table.mjs";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the demo's crash act", () => {
  it("kills a real sender process and delivers every pending delivery after the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "attesta-crash-act-"));
    dirs.push(dir);
    const lines: string[] = [];
    const result = await crashAct({
      dir,
      out: (line = "") => lines.push(line),
      paint: painter(false),
    });

    expect(result.ok, lines.join("\n")).toBe(true);
    // The audit receiver is down at the kill, so its 8 deliveries at least are owed.
    expect(result.pending).toBeGreaterThanOrEqual(8);
    expect(result.resumed).toBe(result.pending);
    expect(result.recovered).toBe(result.pending);
    expect(lines.some((line) => /killed pid \d+ \(SIGKILL\)/.test(line))).toBe(true);
  }, 20_000);
});

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { EventBus } from "@attesta/events";
import { defer } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DeadLetter, WebhookDispatcher } from "../src/index";
import { sampleData } from "./support/events";

const script = fileURLToPath(new URL("./support/python_receiver.py", import.meta.url));

async function startPythonReceiver(secret: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn("python3", [script, secret, "30"], { stdio: ["ignore", "pipe", "inherit"] });
  defer(async () => {
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const port = Number.parseInt(chunk.toString("utf8"), 10);
  return { url: `http://127.0.0.1:${port}`, child };
}

interface PythonResult {
  valid: boolean;
  delivery: string;
  event?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
}

describe("python3 receiver", () => {
  it("verifies our signatures with hmac.compare_digest, non-ASCII data included", async () => {
    const secret = "whsec_pÿthön-🔑";
    const { url } = await startPythonReceiver(secret);
    const letters: DeadLetter[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        { url: `${url}/good`, secret, retryCount: 0 },
        { url: `${url}/wrong`, secret: "not-the-secret", retryCount: 0, events: ["denied"] },
      ],
      { logger: null, onDeadLetter: (letter) => letters.push(letter) },
    );
    defer(() => dispatcher.close({ deadlineMs: 1000 }));

    const reasons = [
      "Zugriff verweigert: Überprüfung nötig",
      "拒绝：风险过高",
      "🚫 blocked \u2028 line separator",
      'quote " and \\ backslash',
    ];
    for (const [n, reason] of reasons.entries()) {
      bus.emit({
        type: "denied",
        timestamp: Date.UTC(2025, 5, 15, 14, 32, 18, n),
        data: { ...sampleData("denied", n), reason },
      });
    }
    bus.emit({ type: "approved", data: sampleData("approved", 99) });
    await dispatcher.flush();

    const response = await fetch(`${url}/results`);
    const results = (await response.json()) as PythonResult[];
    const valid = results.filter((result) => result.valid);
    const invalid = results.filter((result) => !result.valid);

    expect(valid).toHaveLength(5);
    expect(
      valid
        .filter((r) => r.event === "DENIED")
        .map((r) => r.data?.reason)
        .sort(),
    ).toEqual([...reasons].sort());
    expect(valid.find((r) => r.data?.reason === reasons[1])?.timestamp).toBe(
      "2025-06-15T14:32:18.001+00:00",
    );
    // The wrong-secret endpoint proves the receiver's check can fail.
    expect(invalid).toHaveLength(4);
    expect(letters).toHaveLength(4);
    expect(letters.every((letter) => letter.reason === "rejected" && letter.status === 401)).toBe(
      true,
    );
    expect(dispatcher.stats().endpoints[0]).toMatchObject({ delivered: 5, failed: 0 });
  });
});

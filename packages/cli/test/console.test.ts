/**
 * `attesta console --db FILE` on a file a real dispatcher wrote in another
 * process: the token it prints opens the API, nothing opens without it.
 */
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "@attesta/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { spawnBin } from "./support/cli";
import { runStoreApp, startRefusingReceiver } from "./support/store-app";

const dir = mkdtempSync(join(tmpdir(), "attesta-console-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a store file with the fixture app: APPROVED delivered, DENIED dead (422). */
async function writeStoreFile(db: string) {
  const receiver = await startRefusingReceiver(false);
  await runStoreApp(db, receiver.url, ["approved", "denied", "denied"]);
}

describe("attesta console", () => {
  it("serves the console on loopback with a printed one-time token, and refuses requests without it", async () => {
    const db = join(dir, "webhooks.db");
    await writeStoreFile(db);
    const child = spawnBin(["console", "--db", db, "--port", "0"], {});
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await until(
      () => /#token=\S+/.test(stdout) || child.exitCode !== null,
      10_000,
      50,
      () => stdout,
    );
    const match = /open (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const [, url, token] = match as RegExpExecArray;
    expect((await fetch(`${url}api/deliveries`)).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    const session = (await (await fetch(`${url}api/session`, { headers: auth })).json()) as {
      role: string;
      source: string;
      csrfToken: string;
      capabilities: { toggleEndpoints: boolean };
    };
    expect(session).toMatchObject({
      role: "operator",
      source: "sqlite",
      capabilities: { toggleEndpoints: false },
    });
    const dead = (await (
      await fetch(`${url}api/deliveries?status=dead`, { headers: auth })
    ).json()) as { items: { id: string; event: string }[] };
    expect(dead.items.map((d) => d.event)).toEqual(["DENIED", "DENIED"]);
    const redeliver = await fetch(`${url}api/deliveries/${dead.items[0]?.id}/redeliver`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "x-csrf-token": session.csrfToken },
      body: "{}",
    });
    expect(await redeliver.json()).toEqual({ redelivered: 1, deferred: true });
    expect((await fetch(url as string)).headers.get("content-security-policy")).toContain(
      "script-src 'self'",
    );
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("refuses a short --token as a usage error", async () => {
    const child = spawnBin(["console", "--db", "x.db", "--token", "short"], {});
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
  });
});

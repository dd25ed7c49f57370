/**
 * `attesta console` started as a child process, and the operator session its
 * printed one-time token opens.
 *
 * @module
 */

import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { until } from "@attesta/test-support";
import { expect } from "vitest";
import { spawnBin } from "./cli";

export interface RunningConsole {
  readonly child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:port/` */
  readonly url: string;
  readonly stdout: () => string;
  /** Headers of an operator request: bearer token, and CSRF token for actions. */
  readonly auth: Record<string, string>;
  readonly session: {
    role: string;
    source: string;
    csrfToken: string;
    capabilities: Record<string, unknown>;
  };
}

/** Starts `attesta console …args --port 0`, waits for its token URL (10 s at most). */
export async function startConsole(args: string[]): Promise<RunningConsole> {
  const child = spawnBin(["console", ...args, "--port", "0"], {});
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await until(
    () => /#token=\S+/.test(stdout) || child.exitCode !== null,
    10_000,
    50,
    () => `${stdout}\n${stderr}`,
  );
  const match = /open (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(stdout);
  expect(match, `${stdout}\n${stderr}`).not.toBeNull();
  const [, url, token] = match as RegExpExecArray;
  const bearer = { authorization: `Bearer ${token}` };
  const session = (await (
    await fetch(`${url}api/session`, { headers: bearer })
  ).json()) as RunningConsole["session"];
  return {
    child,
    url: url as string,
    stdout: () => stdout,
    auth: { ...bearer, "x-csrf-token": session.csrfToken, "content-type": "application/json" },
    session,
  };
}

/** GET `path` of the console's API as the operator. */
export async function getJson<T>(running: RunningConsole, path: string): Promise<T> {
  const response = await fetch(`${running.url}api/${path}`, { headers: running.auth });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** POST an action to the console's API as the operator. */
export async function act(running: RunningConsole, path: string, body: unknown = {}) {
  const response = await fetch(`${running.url}api/${path}`, {
    method: "POST",
    headers: running.auth,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

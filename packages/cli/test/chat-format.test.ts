/**
 * `attesta send --format` and `attesta trigger --format`: the chat message a
 * dispatcher endpoint with that format sends, printed (`--dry-run`) or sent;
 * a hook URL whose path is its credential is never printed.
 */
import { startTestReceiver } from "@attesta/test-support";
import { slackProblems, teamsProblems } from "@attesta/test-support/chat-contracts";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli";

/** A Slack stand-in at a hook path: checks Slack's contract, answers 200 ok or 400 invalid_payload. */
async function slackHook() {
  return startTestReceiver((req, res) => {
    const ok = slackProblems(JSON.parse(req.body.toString("utf8"))).length === 0;
    res
      .writeHead(ok ? 200 : 400, { "content-type": "text/html" })
      .end(ok ? "ok" : "invalid_payload");
  }, "/services/T9SECRET/B9SECRET/cSECRETc");
}

describe("--format", () => {
  it("send --dry-run prints the exact Slack message without sending", async () => {
    const run = await runCli(["send", "denied", "--format", "slack", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    const message = JSON.parse(run.stdout) as { text: string };
    expect(slackProblems(message)).toEqual([]);
    expect(message.text).toMatch(/^Denied: /);
  });

  it("send --dry-run prints a Teams card that validates against the Adaptive Card schema", async () => {
    const run = await runCli(["send", "escalated", "--format", "teams", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(teamsProblems(JSON.parse(run.stdout))).toEqual([]);
  });

  it("send and trigger deliver Slack messages Slack accepts, and never print the hook's path", async () => {
    const hook = await slackHook();
    const sent = await runCli(["send", "denied", "--format", "slack", "--url", hook.url]);
    expect(sent.code, sent.stderr).toBe(0);
    const triggered = await runCli([
      "trigger",
      "approved",
      "denied",
      "--format",
      "slack",
      "--url",
      hook.url,
      "--json",
    ]);
    expect(triggered.code, triggered.stderr).toBe(0);
    expect(hook.requests).toHaveLength(3);
    const output = sent.stdout + sent.stderr + triggered.stdout + triggered.stderr;
    for (const secret of ["T9SECRET", "B9SECRET", "cSECRETc"]) expect(output).not.toContain(secret);
    expect(output).toMatch(/http:\/\/127\.0\.0\.1:\d+\/…#[0-9a-f]{8}/);
  });

  it("an unreachable hook is reported without its path", async () => {
    const run = await runCli([
      "send",
      "denied",
      "--format",
      "slack",
      "--url",
      "http://127.0.0.1:9/services/T8SECRET/B8SECRET/dSECRETd",
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("could not deliver to http://127.0.0.1:9/…#");
    expect(run.stderr).not.toContain("SECRET");
  });

  it("refuses an unknown format, naming the choices", async () => {
    const run = await runCli(["send", "denied", "--format", "mattermost", "--dry-run"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--format must be one of attesta, slack, teams, discord");
  });
});

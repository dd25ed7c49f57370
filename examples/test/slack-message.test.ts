import { describe, expect, it } from "vitest";
import { checkSlackMessage } from "../demo/slack-message.mjs";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("the demo's Slack message check", () => {
  it("takes a text fallback with a coloured attachment of blocks", () => {
    const verdict = checkSlackMessage(
      bytes({
        text: "Denied: drop_table",
        attachments: [
          {
            color: "#d32f2f",
            blocks: [
              { type: "header", text: { type: "plain_text", text: "Denied" } },
              { type: "section", fields: [{ type: "mrkdwn", text: "*Risk*\n0.93" }] },
              { type: "context", elements: [{ type: "mrkdwn", text: "DENIED" }] },
            ],
          },
        ],
      }),
    );
    expect(verdict).toEqual({ answer: "ok", problems: [], text: "Denied: drop_table" });
  });

  it("answers no_text for an Attesta payload and invalid_payload past Slack's limits", () => {
    expect(checkSlackMessage(bytes({ event: "DENIED", timestamp: "t", data: {} })).answer).toBe(
      "no_text",
    );
    const long = checkSlackMessage(
      bytes({ blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }] }),
    );
    expect(long.answer).toBe("invalid_payload");
    expect(long.problems).toEqual(["blocks[0].text.text is longer than 150 characters"]);
    expect(checkSlackMessage(bytes({ text: "x", attachments: [{ color: "red" }] })).answer).toBe(
      "invalid_payload",
    );
    expect(checkSlackMessage(new TextEncoder().encode("not json")).answer).toBe("invalid_payload");
  });
});

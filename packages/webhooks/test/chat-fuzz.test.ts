/**
 * The built-in chat formats over random pipeline and custom payloads (a
 * seeded PRNG, a fixed number of rounds): every message must meet its
 * service's contract and limits, whatever the data.
 */
import { EVENT_TYPES } from "@attesta/events";
import {
  discordProblems,
  slackProblems,
  teamsProblems,
} from "@attesta/test-support/chat-contracts";
import { describe, expect, it } from "vitest";
import { renderChatMessage, SLACK_LIMITS } from "../src/index";

/** mulberry32: small, fast and the same sequence for the same seed on every machine. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  "a",
  "Z",
  "7",
  " ",
  "\n",
  "*",
  "_",
  "~",
  "`",
  "<",
  ">",
  "&",
  "#",
  "-",
  "[",
  "]",
  "é",
  "漢",
  "😀",
  "\u0000",
  "@everyone",
  "&amp;",
];

function randomText(random: () => number, maxLength: number): string {
  const length = Math.floor(random() ** 3 * maxLength);
  let text = "";
  while (text.length < length) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

function randomValue(random: () => number, depth = 0): unknown {
  const pick = random();
  if (pick < 0.4 || depth > 2) return randomText(random, 12_000);
  if (pick < 0.55) return random() * 10 - 5;
  if (pick < 0.6) return random() < 0.5;
  if (pick < 0.65) return null;
  if (pick < 0.8)
    return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
  return randomRecord(random, depth + 1);
}

function randomRecord(random: () => number, depth = 0): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  // Wide at the top (many fields), narrow below (nested values are shown as JSON).
  const keys = Math.floor(random() ** 2 * (depth === 0 ? 60 : 4));
  for (let i = 0; i < keys; i++)
    record[randomText(random, 400) || `k${i}`] = randomValue(random, depth);
  return record;
}

function randomEvent(random: () => number) {
  const custom = random() < 0.25;
  const type = custom
    ? randomText(random, 300) || "custom"
    : (EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)] as string);
  const data: Record<string, unknown> = randomRecord(random);
  if (!custom) {
    data.agent_id = randomText(random, 3000);
    data.action_name = randomText(random, 3000);
    data.risk_score = random();
    data.risk_level = ["low", "medium", "high", "critical", "weird"][Math.floor(random() * 5)];
    if (random() < 0.7) data.reason = randomText(random, 50_000);
  }
  return { type, timestamp: Date.UTC(2025, 0, 1) + Math.floor(random() * 1e11), data };
}

describe("chat formats over random payloads", () => {
  it("always meet Slack's, Discord's and Teams' limits (400 seeded rounds)", () => {
    const random = prng(0x5eed);
    for (let round = 0; round < 400; round++) {
      const event = randomEvent(random);
      const slack = renderChatMessage("slack", event);
      const discord = renderChatMessage("discord", event);
      const teams = renderChatMessage("teams", event);
      const context = `round ${round}, event type ${JSON.stringify(event.type.slice(0, 40))}`;
      expect(slackProblems(slack), context).toEqual([]);
      expect((slack.text as string).length, context).toBeLessThanOrEqual(SLACK_LIMITS.text);
      expect(discordProblems(discord), context).toEqual([]);
      expect(teamsProblems(teams), context).toEqual([]);
    }
  });

  it("are checked by contract checks that do catch a broken message", () => {
    const slack = renderChatMessage("slack", {
      type: "denied",
      timestamp: 0,
      data: { agent_id: "a" },
    });
    const blocks =
      (slack.attachments as { blocks: { type: string; text?: { text: string } }[] }[])[0]?.blocks ??
      [];
    (blocks[0]?.text as { text: string }).text = "h".repeat(151);
    expect(slackProblems(slack).join()).toMatch(/151 characters/);
    const discord = renderChatMessage("discord", { type: "denied", timestamp: 0, data: {} });
    (discord.embeds as { title: string }[])[0] = { title: "t".repeat(257) };
    expect(discordProblems(discord).join()).toMatch(/title has 257/);
    const teams = renderChatMessage("teams", { type: "denied", timestamp: 0, data: {} });
    (teams.attachments as { content: { version: string } }[])[0]!.content.version = "1.6";
    expect(teamsProblems(teams).join()).toMatch(/version/);
  });

  it("cut texts visibly", () => {
    const long = "x".repeat(10_000);
    const event = {
      type: "denied",
      timestamp: 0,
      data: { agent_id: "a", action_name: "b", reason: long },
    };
    expect(JSON.stringify(renderChatMessage("slack", event))).toContain("… (truncated)");
    expect(JSON.stringify(renderChatMessage("discord", event))).toContain("… (truncated)");
    expect(JSON.stringify(renderChatMessage("teams", event))).toContain("… (truncated)");
  });
});

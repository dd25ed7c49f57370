/**
 * The chat services' published message contracts, as checks a test
 * receiver runs on every body: Slack's message fields and Block Kit limits,
 * Discord's embed limits, and the Teams Workflows envelope with its Adaptive
 * Card validated by a JSON-schema validator (ajv) against a vendored subset
 * of the Adaptive Cards 1.5 schema.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const CARD_SCHEMA = JSON.parse(
  readFileSync(new URL("../fixtures/teams-adaptive-card.schema.json", import.meta.url), "utf8"),
) as object;
const validateTeams = new Ajv({ allErrors: true, strict: true }).compile(CARD_SCHEMA);

/** Teams refuses messages above about 28 KB. */
export const TEAMS_MAX_BYTES = 28 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Length as Slack and Discord count it: code points. */
function chars(value: unknown): number {
  return typeof value === "string" ? [...value].length : 0;
}

function within(problems: string[], what: string, value: unknown, max: number, min = 0): void {
  if (typeof value !== "string") problems.push(`${what} is not a string`);
  else if (chars(value) > max || chars(value) < min) {
    problems.push(`${what} has ${chars(value)} characters; allowed ${min}..${max}`);
  }
}

/** Problems of a Slack incoming-webhook message; `[]` when Slack would take it. */
export function slackProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ["the body is not a JSON object"];
  const blocks = body.blocks;
  const attachments = body.attachments;
  if (body.text === undefined && blocks === undefined && attachments === undefined) {
    return ["no_text: neither text, blocks nor attachments"];
  }
  if (body.text !== undefined) within(problems, "text", body.text, 40_000);
  if (blocks !== undefined) slackBlocks(problems, "blocks", blocks);
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) problems.push("attachments is not an array");
    else {
      for (const [i, attachment] of attachments.entries()) {
        if (!isObject(attachment)) {
          problems.push(`attachments[${i}] is not an object`);
          continue;
        }
        const { color } = attachment;
        if (color !== undefined && !/^#[0-9a-f]{6}$/i.test(String(color))) {
          problems.push(`attachments[${i}].color is not a hex colour`);
        }
        if (attachment.blocks !== undefined)
          slackBlocks(problems, `attachments[${i}].blocks`, attachment.blocks);
      }
    }
  }
  return problems;
}

function slackBlocks(problems: string[], at: string, blocks: unknown): void {
  if (!Array.isArray(blocks)) return void problems.push(`${at} is not an array`);
  if (blocks.length > 50) problems.push(`${at} has ${blocks.length} blocks; at most 50`);
  for (const [i, block] of blocks.entries()) {
    const where = `${at}[${i}]`;
    if (!isObject(block)) {
      problems.push(`${where} is not an object`);
      continue;
    }
    if (block.type === "header") {
      textObject(problems, `${where}.text`, block.text, 150, ["plain_text"]);
    } else if (block.type === "section") {
      if (block.text === undefined && block.fields === undefined)
        problems.push(`${where} has neither text nor fields`);
      if (block.text !== undefined) textObject(problems, `${where}.text`, block.text, 3000);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          problems.push(`${where}.fields: at most 10`);
        else
          for (const [j, f] of block.fields.entries())
            textObject(problems, `${where}.fields[${j}]`, f, 2000);
      }
    } else if (block.type === "context") {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10) {
        problems.push(`${where}.elements: 1 to 10`);
      } else
        for (const [j, e] of elements.entries())
          textObject(problems, `${where}.elements[${j}]`, e, 3000);
    } else if (block.type !== "divider")
      problems.push(`${where}.type ${String(block.type)} is not checked here`);
  }
}

function textObject(
  problems: string[],
  at: string,
  value: unknown,
  max: number,
  types = ["plain_text", "mrkdwn"],
): void {
  if (!isObject(value)) return void problems.push(`${at} is not a text object`);
  if (!types.includes(String(value.type)))
    problems.push(`${at}.type must be ${types.join(" or ")}`);
  within(problems, `${at}.text`, value.text, max, 1);
}

/** Problems of a Discord webhook message; `[]` when Discord would take it. */
export function discordProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ["the body is not a JSON object"];
  if (body.content !== undefined) within(problems, "content", body.content, 2000);
  const embeds = body.embeds;
  if (body.content === undefined && embeds === undefined)
    return ["50006: cannot send an empty message"];
  if (embeds === undefined) return problems;
  if (!Array.isArray(embeds) || embeds.length > 10) return ["embeds: at most 10"];
  let total = 0;
  for (const [i, embed] of embeds.entries()) total += embedChars(problems, embed, `embeds[${i}]`);
  if (total > 6000) problems.push(`the embeds have ${total} characters; at most 6000`);
  return problems;
}

/** Problems of a Teams Workflows message; `[]` when it validates and fits. */
export function teamsProblems(body: unknown, bytes?: number): string[] {
  const problems: string[] = [];
  if (!validateTeams(body)) {
    for (const error of validateTeams.errors ?? [])
      problems.push(`${error.instancePath} ${error.message}`);
  }
  const size = bytes ?? Buffer.byteLength(JSON.stringify(body));
  if (size > TEAMS_MAX_BYTES)
    problems.push(`the message has ${size} bytes; at most ${TEAMS_MAX_BYTES}`);
  return problems;
}

/** The checker of each service. */
export const CONTRACTS = {
  slack: slackProblems,
  discord: discordProblems,
  teams: teamsProblems,
} as const;

/** Checks one Discord embed; returns the characters it counts towards the 6,000 total. */
function embedChars(problems: string[], embed: unknown, at: string): number {
  if (!isObject(embed)) {
    problems.push(`${at} is not an object`);
    return 0;
  }
  let total = 0;
  const counted: [string, unknown, number][] = [
    ["title", embed.title, 256],
    ["description", embed.description, 4096],
    ["footer.text", isObject(embed.footer) ? embed.footer.text : undefined, 2048],
    ["author.name", isObject(embed.author) ? embed.author.name : undefined, 256],
  ];
  for (const [name, value, max] of counted) {
    if (value === undefined) continue;
    within(problems, `${at}.${name}`, value, max);
    total += chars(value);
  }
  const { color } = embed;
  if (
    color !== undefined &&
    !(Number.isInteger(color) && (color as number) >= 0 && (color as number) <= 0xffffff)
  ) {
    problems.push(`${at}.color is not an RGB integer`);
  }
  if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp)))) {
    problems.push(`${at}.timestamp is not ISO 8601`);
  }
  const fields = embed.fields ?? [];
  if (!Array.isArray(fields) || fields.length > 25) {
    problems.push(`${at}.fields: at most 25`);
    return total;
  }
  for (const [j, field] of fields.entries()) {
    if (!isObject(field)) {
      problems.push(`${at}.fields[${j}] is not an object`);
      continue;
    }
    within(problems, `${at}.fields[${j}].name`, field.name, 256, 1);
    within(problems, `${at}.fields[${j}].value`, field.value, 1024, 1);
    total += chars(field.name) + chars(field.value);
  }
  return total;
}

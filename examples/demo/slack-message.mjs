// @ts-check
/**
 * What the demo's Slack stand-in accepts: a message Slack's incoming webhooks
 * would post. A small check of the parts the demo relies on (a `text`
 * fallback, Block Kit blocks within their published limits, attachment
 * colours), answering with the codes Slack itself uses.
 *
 * @module
 */

/** Block Kit limits (api.slack.com/reference/block-kit/blocks). */
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;
const MAX_HEADER = 150;
const MAX_SECTION = 3_000;
const MAX_FIELDS = 10;
const MAX_FIELD = 2_000;

/**
 * @typedef {object} SlackVerdict
 * @property {"ok" | "no_text" | "invalid_payload"} answer  Slack's answer body for this message.
 * @property {string[]} problems  Why it is not "ok"; empty when it is.
 * @property {string} text        The notification text ("" when absent).
 */

/**
 * Checks body bytes against Slack's message contract.
 *
 * @param {Uint8Array} bytes
 * @returns {SlackVerdict}
 */
export function checkSlackMessage(bytes) {
  let message;
  try {
    message = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { answer: "invalid_payload", problems: ["the body is not UTF-8 JSON"], text: "" };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message))
    return { answer: "invalid_payload", problems: ["the body is not a JSON object"], text: "" };
  const { text, blocks, attachments } = message;
  if (text === undefined && blocks === undefined && attachments === undefined)
    return { answer: "no_text", problems: ["neither text, blocks nor attachments"], text: "" };
  /** @type {string[]} */
  const problems = [];
  if (text !== undefined) limit(problems, "text", text, MAX_TEXT);
  if (blocks !== undefined) checkBlocks(problems, "blocks", blocks);
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) problems.push("attachments is not an array");
    for (const [i, attachment] of (Array.isArray(attachments) ? attachments : []).entries()) {
      if (attachment?.color !== undefined && !/^#[0-9a-f]{6}$/i.test(String(attachment.color)))
        problems.push(`attachments[${i}].color is not a #rrggbb colour`);
      if (attachment?.blocks !== undefined)
        checkBlocks(problems, `attachments[${i}].blocks`, attachment.blocks);
    }
  }
  return {
    answer: problems.length === 0 ? "ok" : "invalid_payload",
    problems,
    text: typeof text === "string" ? text : "",
  };
}

/**
 * @param {string[]} problems
 * @param {string} at
 * @param {unknown} blocks
 */
function checkBlocks(problems, at, blocks) {
  if (!Array.isArray(blocks)) return void problems.push(`${at} is not an array`);
  if (blocks.length > MAX_BLOCKS) problems.push(`${at} has more than ${MAX_BLOCKS} blocks`);
  for (const [i, block] of blocks.entries()) {
    const where = `${at}[${i}]`;
    if (block?.type === "header")
      limit(problems, `${where}.text.text`, block.text?.text, MAX_HEADER);
    else if (block?.type === "section") {
      if (block.text !== undefined)
        limit(problems, `${where}.text.text`, block.text?.text, MAX_SECTION);
      const fields = block.fields ?? [];
      if (!Array.isArray(fields) || fields.length > MAX_FIELDS)
        problems.push(`${where}.fields: at most ${MAX_FIELDS}`);
      else
        for (const [j, field] of fields.entries())
          limit(problems, `${where}.fields[${j}].text`, field?.text, MAX_FIELD);
    } else if (block?.type === "context") {
      if (!Array.isArray(block.elements) || block.elements.length === 0)
        problems.push(`${where}.elements is not a non-empty array`);
    } else if (block?.type !== "divider") problems.push(`${where} has an unknown type`);
  }
}

/**
 * @param {string[]} problems
 * @param {string} at
 * @param {unknown} value
 * @param {number} max  In code points, as Slack counts.
 */
function limit(problems, at, value, max) {
  if (typeof value !== "string" || value.length === 0)
    problems.push(`${at} is not a non-empty string`);
  else if ([...value].length > max) problems.push(`${at} is longer than ${max} characters`);
}

/**
 * The published limits of the chat services' message formats, in one place
 * so that renderers, tests and receivers agree on them.
 *
 * @module
 */

/** Slack incoming webhooks and Block Kit (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  /** `text` is cut by Slack at 40,000 characters; Slack recommends at most 4,000. */
  text: 4_000,
  blocks: 50,
  /** A section block's `text`. */
  sectionText: 3_000,
  /** A header block's `plain_text`. */
  headerText: 150,
  /** A section's `fields`: at most 10, each at most 2,000 characters. */
  fields: 10,
  fieldText: 2_000,
  /** A context block's `elements`. */
  contextElements: 10,
} as const;

/** Discord embeds (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  embeds: 10,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  author: 256,
  /** Title, description, field names and values, footer and author name of all embeds together. */
  total: 6_000,
  /** A message's `content`. */
  content: 2_000,
} as const;

/** Microsoft Teams Workflows webhooks taking Adaptive Cards. */
export const TEAMS_LIMITS = {
  /** Highest Adaptive Card schema version Teams renders. */
  version: "1.5",
  /** Teams refuses messages above about 28 KB; this leaves room for the envelope. */
  payloadBytes: 28_000,
  /** Characters of one text value before it is cut (a card stays readable). */
  text: 2_000,
  /** Facts in the card's fact set. */
  facts: 20,
} as const;

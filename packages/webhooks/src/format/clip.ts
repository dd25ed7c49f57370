/**
 * Visible truncation shared by the chat formats.
 *
 * @module
 */

/** Appended to every cut text, so a reader sees that something is missing. */
export const CUT_MARK = "… (truncated)";

/**
 * `text` when it has at most `max` UTF-16 code units, else its start and
 * {@link CUT_MARK}, `max` code units in all. Code units bound code points
 * too, so the result meets limits counted either way. A surrogate pair or an
 * `&…;` entity (Slack's escapes) is never split.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= CUT_MARK.length) return `${text.slice(0, Math.max(0, max - 1))}…`;
  let head = text.slice(0, max - CUT_MARK.length);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  head = head.replace(/&[a-z]{0,4}$/, "");
  return head + CUT_MARK;
}

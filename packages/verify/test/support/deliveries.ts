/**
 * Signed and tampered deliveries shared by the middleware tests.
 *
 * @module
 */
import { sign } from "../../src/index";

/** A body timestamp as the sender writes it, `ms` milliseconds ago: recent enough for `maxAgeSec`. */
export function isoNow(ms = 0): string {
  return `${new Date(Date.now() - ms).toISOString().slice(0, -1)}+00:00`;
}

export const SECRET = "whsec_test_secret";
export const OLD_SECRET = "whsec_previous_secret";

export const BODY = JSON.stringify({
  event: "APPROVED",
  timestamp: isoNow(),
  data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.12, risk_level: "low" },
});

/**
 * Header values that must all be refused with 401. (Leading and trailing
 * whitespace is not here: HTTP strips it before any application sees it.)
 */
export function malformedSignatures(body: string, secret: string): Record<string, string> {
  const good = sign(body, secret);
  const hex = good.slice("sha256=".length);
  return {
    empty: "",
    "prefix only": "sha256=",
    "no prefix": hex,
    "wrong algorithm": `sha1=${hex}`,
    "upper-case prefix": `SHA256=${hex}`,
    "upper-case hex": `sha256=${hex.toUpperCase()}`,
    "one digit short": good.slice(0, -1),
    "one digit long": `${good}0`,
    "non-hex digit": `${good.slice(0, -1)}g`,
    "non-ASCII digit": `${good.slice(0, -1)}\u00e9`,
    "space after the prefix": `sha256= ${hex.slice(1)}`,
    "trailing garbage": `${good},sha256=${hex}`,
    "two signatures": `${good}, ${good}`,
    "signature of another body": sign(`${body} `, secret),
    "signature with another secret": sign(body, `${secret}x`),
    "all zeros": `sha256=${"0".repeat(64)}`,
  };
}

/**
 * What is wrong with an X-Attesta-Signature value, before any cryptography.
 *
 * @module
 */

/** The digest a header carries, if it has one, and every formatting problem found. */
export interface SignatureShape {
  /** The 64 hex digits lower-cased, or null when there are not 64 hex digits. */
  digest: string | null;
  problems: string[];
}

/**
 * Explains, in the sender's terms, why `value` is not `sha256=` followed by 64
 * lower-case hex digits. A well-formed value has no problems.
 */
export function signatureShape(value: string): SignatureShape {
  const problems: string[] = [];
  const trimmed = value.trim();
  if (trimmed !== value) problems.push("it has leading or trailing whitespace");
  if (/^v1,/.test(trimmed)) {
    problems.push(
      'it looks like a Standard Webhooks signature ("v1,<base64>"), not "sha256=<hex>"',
    );
    return { digest: null, problems };
  }
  const match = /^([a-z0-9-]+=)?(.*)$/i.exec(trimmed);
  const prefix = match?.[1];
  const hex = match?.[2] ?? "";
  if (prefix === undefined) problems.push('it lacks the "sha256=" prefix');
  else if (prefix.toLowerCase() !== "sha256=")
    problems.push(`it starts with "${prefix}" instead of "sha256=" (another algorithm?)`);
  else if (prefix !== "sha256=") problems.push(`the prefix is "${prefix}"; it must be lower-case`);
  if (!/^[0-9a-f]*$/i.test(hex)) {
    problems.push("the digest is not hexadecimal (base64?)");
    return { digest: null, problems };
  }
  if (hex.length !== 64) {
    const sha1 = hex.length === 40 ? " (40 is the length of a SHA-1 digest)" : "";
    problems.push(`the digest has ${hex.length} hex digits; HMAC-SHA256 gives 64${sha1}`);
    return { digest: null, problems };
  }
  if (hex !== hex.toLowerCase())
    problems.push("the digest uses upper-case hex; it must be lower-case");
  return { digest: hex.toLowerCase(), problems };
}

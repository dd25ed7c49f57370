/**
 * The content type and headers a delivery row keeps: columns of schema 8,
 * NULL for every row whose format did not set them.
 *
 * @module
 */

/** The two columns as read. */
export interface EnvelopeColumns {
  readonly content_type: string | null;
  /** JSON of an object of header names (lower-case) and values. */
  readonly headers: string | null;
}

/** The record fields of a row's content type and headers, absent when NULL. */
export function envelopeOf(row: EnvelopeColumns): {
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
} {
  const { content_type: contentType, headers } = row;
  return {
    ...(contentType === null ? {} : { contentType }),
    ...(headers === null ? {} : { headers: JSON.parse(headers) as Record<string, string> }),
  };
}

/** The package version, for the OpenAPI document. */
export const VERSION = "0.1.0";

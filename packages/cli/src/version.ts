/**
 * The package version, replaced at build time from package.json.
 *
 * @module
 */
declare const __ATTESTA_CLI_VERSION__: string | undefined;

export const VERSION: string =
  typeof __ATTESTA_CLI_VERSION__ === "string" ? __ATTESTA_CLI_VERSION__ : "0.0.0";

/**
 * `node:util` parseArgs with errors that say how to fix the command line.
 *
 * @module
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { closestName } from "@attesta/closest-name";
import { type CliError, usageError } from "./cli-error";

/** The usage error of an option the command does not have, with the one that was probably meant. */
function unknownOption(command: string, given: string, known: readonly string[]): CliError {
  const name = given.replace(/^-+/, "").split("=")[0] ?? "";
  const meant = closestName(name, [...known, "help"], { prefix: true });
  const hint = meant === undefined ? "" : ` Did you mean --${meant}?`;
  return usageError(
    `attesta ${command}: unknown option ${given}.${hint}`,
    `run "attesta ${command} --help" to see what it accepts; a value that starts with "-" goes after "--".`,
  );
}

/**
 * Parses `argv` for `attesta <command>`. Unknown options, missing values and
 * unexpected positionals become usage errors (exit 2) that point at `--help`.
 */
export function parseCommandArgs<const T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '(.+?)'/.exec(message);
    if ((error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown?.[1]) {
      throw unknownOption(command, unknown[1], Object.keys(options));
    }
    throw usageError(
      `attesta ${command}: ${message.replace(/\.$/, "")}.`,
      `run "attesta ${command} --help" to see what it accepts.`,
    );
  }
}

/** The webhook secrets from repeated `--secret`, else from ATTESTA_WEBHOOK_SECRET. */
export function resolveSecrets(
  command: string,
  given: string[] | undefined,
  env: NodeJS.ProcessEnv,
  /** Chat hooks take unsigned messages: no secret is then fine. */
  optional = false,
): string[] {
  const secrets =
    given && given.length > 0
      ? given
      : env.ATTESTA_WEBHOOK_SECRET
        ? [env.ATTESTA_WEBHOOK_SECRET]
        : [];
  if (secrets.length === 0 && !optional) {
    throw usageError(
      `attesta ${command} needs a webhook secret and got none.`,
      "pass --secret <secret> or set ATTESTA_WEBHOOK_SECRET (the environment keeps it out of your shell history).",
    );
  }
  secrets.forEach((secret, index) => {
    if (secret.length === 0) {
      throw usageError(
        `attesta ${command}: secret #${index + 1} is empty.`,
        "pass the secret shared by sender and receiver; check that the variable you expand is set.",
      );
    }
  });
  return secrets;
}

/** Parses a TCP port; 0 means "any free port". */
export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw usageError(
      `--port must be an integer from 0 to 65535; got ${JSON.stringify(value)}.`,
      "pass a free port such as --port 3000, or --port 0 to let the system pick one.",
    );
  }
  return port;
}

/** Parses a positive integer option such as --timeout or --count. */
export function parsePositiveInt(
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || !Number.isSafeInteger(parsed)) {
    throw usageError(
      `--${name} must be a positive integer; got ${JSON.stringify(value)}.`,
      `pass a whole number, e.g. --${name} ${fallback > 0 ? fallback : 1}.`,
    );
  }
  return parsed;
}

/** Parses an http(s) URL option. */
export function parseHttpUrl(name: string, value: string | undefined): URL {
  if (value === undefined) {
    throw usageError(
      `--${name} is required.`,
      `pass the endpoint, e.g. --${name} http://127.0.0.1:3000/webhooks/attesta.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(
      `--${name} must be an absolute URL; got ${JSON.stringify(value)}.`,
      `include the scheme and host, e.g. --${name} http://127.0.0.1:3000/webhooks/attesta.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(
      `--${name} must be an http: or https: URL; got ${JSON.stringify(url.protocol)}.`,
      `use e.g. --${name} http://127.0.0.1:3000/webhooks/attesta.`,
    );
  }
  return url;
}

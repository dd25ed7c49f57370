/**
 * `attesta <command>`: finds the command, runs it, turns errors into exit codes.
 *
 * @module
 */

import { closestName } from "@attesta/closest-name";
import { CliError } from "./cli-error";
import { type Command, EXIT_CODES_HELP } from "./command";
import { ExitCode } from "./exit-codes";
import type { Io } from "./io";
import { VERSION } from "./version";

interface Entry {
  name: string;
  summary: string;
  /** Loaded on use, so `attesta sign` never pays for the HTTP client `send` needs. */
  load(): Promise<Command>;
}

const COMMANDS: readonly Entry[] = [
  {
    name: "listen",
    summary: "receive, verify and print deliveries locally; forward the verified ones",
    load: async () => (await import("./commands/listen")).listen,
  },
  {
    name: "send",
    summary: "sign one event and POST it to a URL",
    load: async () => (await import("./commands/send")).send,
  },
  {
    name: "trigger",
    summary: "send realistic fixtures for pipeline events (all eight by default)",
    load: async () => (await import("./commands/trigger")).trigger,
  },
  {
    name: "sign",
    summary: "print the signature header for a body and the bytes it covers",
    load: async () => (await import("./commands/sign")).sign,
  },
  {
    name: "verify",
    summary: "check a body and its headers, and explain a failed signature",
    load: async () => (await import("./commands/verify")).verify,
  },
  {
    name: "deliveries",
    summary: "list, show, redeliver and recover deliveries in a SqliteStore file",
    load: async () => (await import("./commands/deliveries")).deliveries,
  },
  {
    name: "console",
    summary: "serve the delivery console (web UI and API) over a SqliteStore file",
    load: async () => (await import("./commands/console")).consoleCommand,
  },
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return `Usage: attesta <command> [options]

Receive, verify, send and sign Attesta webhooks on your machine, with no relay.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join("\n")}

Run "attesta <command> --help" for a command's options.
Options: -h, --help   show this help;  -v, --version   print the version

${EXIT_CODES_HELP}`;
}

const wantsHelp = (argv: readonly string[]) => argv.includes("--help") || argv.includes("-h");

function report(error: unknown, io: Io, json: boolean): number {
  const known = error instanceof CliError;
  const message = known
    ? error.message
    : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const exitCode = known ? error.exitCode : ExitCode.Failed;
  if (json)
    io.err(JSON.stringify({ error: { message: `@attesta/cli: ${message}`, exit_code: exitCode } }));
  else
    io.err(
      `${io.paint.enabled ? "\u001b[31m" : ""}@attesta/cli: ${message}${io.paint.enabled ? "\u001b[39m" : ""}`,
    );
  return exitCode;
}

/** Runs the command line `argv` (without node and the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(overview());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === "--version" || name === "-v") {
    io.out(VERSION);
    return ExitCode.Ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) {
    const known = COMMANDS.map((candidate) => candidate.name);
    const names = known.join(", ");
    const meant = closestName(name, known, { prefix: true });
    return report(
      new CliError(
        `unknown command ${JSON.stringify(name)}.${meant ? ` Did you mean ${meant}?` : ""} Fix: use one of ${names}, or run "attesta --help".`,
        ExitCode.Usage,
      ),
      io,
      false,
    );
  }
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.out(command.help);
    return ExitCode.Ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return report(error, io, rest.includes("--json"));
  }
}

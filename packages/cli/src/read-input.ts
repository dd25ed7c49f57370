/**
 * Bodies and JSON given on the command line, in a file (`@path`) or on stdin (`-`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { ioError, usageError } from "./cli-error";

async function readStdin(stdin: NodeJS.ReadStream, option: string): Promise<Buffer> {
  if (stdin.isTTY) {
    throw usageError(
      `${option} - reads stdin, but stdin is a terminal.`,
      `pipe the body in (e.g. < body.json), or pass ${option} @body.json.`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The exact bytes of an option value: `@path` reads the file as is (a trailing
 * newline stays, since it is part of what would be signed), `-` reads stdin,
 * anything else is the value's UTF-8 bytes.
 */
export async function readBytesOption(
  option: string,
  value: string,
  stdin: NodeJS.ReadStream,
): Promise<Buffer> {
  if (value === "-") return readStdin(stdin, option);
  if (!value.startsWith("@")) return Buffer.from(value, "utf8");
  const path = value.slice(1);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw ioError(
      `${option} ${value}: cannot read ${JSON.stringify(path)} (${code}).`,
      "check the path; it is relative to the current directory. Pass the text itself without @.",
      error,
    );
  }
}

/** Parses an option value (or the file it names) as JSON. */
export async function readJsonOption(
  option: string,
  value: string,
  stdin: NodeJS.ReadStream,
): Promise<unknown> {
  const bytes = await readBytesOption(option, value, stdin);
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw usageError(
      `${option} is not valid JSON: ${(error as Error).message}.`,
      `pass a JSON object, e.g. ${option} '{"agent_id":"agent-7","action_name":"deploy"}', or ${option} @data.json.`,
    );
  }
}

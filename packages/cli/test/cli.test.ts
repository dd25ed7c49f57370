/**
 * Behaviour shared by every command: help, version, exit codes, errors, colour.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli, VERSION } from "./support/cli";

const COMMANDS = ["listen", "send", "trigger", "sign", "verify", "deliveries"];
const BODY = '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{}}';

describe("attesta", () => {
  it.each(COMMANDS)("prints the help of %s with its usage and exit codes, exit 0", async (name) => {
    for (const flag of ["--help", "-h"]) {
      const result = await runCli([name, flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: attesta ${name}`));
      expect(result.stdout).toContain("Exit codes:");
      expect(result.stderr).toBe("");
    }
  });

  it.each(["deliveries", "console"])(
    "says in the help of %s what reading a store file needs on each Node.js line",
    async (name) => {
      const { stdout } = await runCli([name, "--help"]);
      const text = stdout.replace(/\s+/g, " ");
      expect(text).toContain("Node.js 22.13+ and 24 (node:sqlite)");
      expect(text).toContain("on Node.js 20 it needs better-sqlite3");
      expect(text).not.toContain("Needs better-sqlite3 installed");
    },
  );

  it("lists every command in the overview; without a command it is a usage error (2)", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("Usage: attesta <command>");
  });

  it("prints the package version", async () => {
    const result = await runCli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("names an unknown command and how to fix it (exit 2)", async () => {
    const result = await runCli(["lisen"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      '@attesta/cli: unknown command "lisen". Did you mean listen? Fix: use one of listen, send, trigger, sign, verify, deliveries, console, or run "attesta --help".\n',
    );
  });

  it("names an unknown option and points at the command's help (exit 2)", async () => {
    const result = await runCli(["sign", "--secret", "s", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^@attesta\/cli: attesta sign: unknown option --bogus\. Fix: /);
    expect(result.stderr).toContain('Fix: run "attesta sign --help"');
  });

  it("suggests the option that was meant for a mistyped one, in balanced quotes (exit 2)", async () => {
    const result = await runCli(["send", "approved", "--ur", "http://127.0.0.1:9/"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^@attesta\/cli: attesta send: unknown option --ur\. Did you mean --url\? Fix: run "attesta send --help"/,
    );
    for (const quote of ["'", '"']) {
      expect((result.stderr.split(quote).length - 1) % 2, `balanced ${quote}`).toBe(0);
    }
    const typo = await runCli(["sign", "--secert", "s", "--body", BODY]);
    expect(typo.stderr).toContain("unknown option --secert. Did you mean --secret?");
  });

  it("asks for a secret when neither --secret nor ATTESTA_WEBHOOK_SECRET is given (exit 2)", async () => {
    const result = await runCli(["sign", "--body", BODY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "@attesta/cli: attesta sign needs a webhook secret and got none.",
    );
    expect(result.stderr).toContain("Fix: pass --secret <secret> or set ATTESTA_WEBHOOK_SECRET");
  });

  it("takes the secret from ATTESTA_WEBHOOK_SECRET", async () => {
    const fromEnv = await runCli(["sign", "--body", BODY], {
      env: cleanEnv({ ATTESTA_WEBHOOK_SECRET: "whsec_env" }),
    });
    const fromFlag = await runCli(["sign", "--body", BODY, "--secret", "whsec_env"]);
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toBe(fromFlag.stdout);
  });

  it("reports errors as one JSON object on stderr with --json", async () => {
    const result = await runCli([
      "send",
      "approved",
      "--secret",
      "s",
      "--url",
      "ftp://x",
      "--json",
    ]);
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stderr) as { error: { message: string; exit_code: number } };
    expect(error.error.exit_code).toBe(2);
    expect(error.error.message).toMatch(
      /^@attesta\/cli: --url must be an http: or https: URL.* Fix: /,
    );
  });

  it("validates option values with the fix in the message", async () => {
    const port = await runCli(["listen", "--secret", "s", "--port", "70000"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be an integer from 0 to 65535; got "70000". Fix:');
    const event = await runCli([
      "send",
      "aproved",
      "--url",
      "http://127.0.0.1:9/",
      "--secret",
      "s",
    ]);
    expect(event.code).toBe(2);
    expect(event.stderr).toContain('unknown event "aproved". Fix: use one of risk_scored,');
  });
});

describe("colour", () => {
  const args = ["verify", "--body", BODY, "--signature", "sha256=00", "--secret", "s"];
  const ESC = "\u001b[";

  it("is off when stdout is a pipe", async () => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain(ESC);
  });

  it("is on with FORCE_COLOR, and NO_COLOR still wins", async () => {
    const forced = await runCli(args, { env: cleanEnv({ FORCE_COLOR: "1" }) });
    expect(forced.stdout).toContain(`${ESC}31m✗ malformed_signature`);
    const both = await runCli(args, { env: cleanEnv({ FORCE_COLOR: "1", NO_COLOR: "1" }) });
    expect(both.stdout).not.toContain(ESC);
  });

  // A real terminal: python3's pty module gives the child a TTY on stdout.
  function inTerminal(env: NodeJS.ProcessEnv): string {
    const script =
      "import os, pty, sys\n" +
      "out = []\n" +
      "def read(fd):\n" +
      "    data = os.read(fd, 65536)\n" +
      "    out.append(data)\n" +
      "    return data\n" +
      "pty.spawn(sys.argv[1:], read)\n" +
      "sys.stdout.write(b''.join(out).decode())\n";
    const result = spawnSync("python3", ["-c", script, process.execPath, BIN, ...args], {
      env: { ...env, TERM: "xterm" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  }

  it("is on in a terminal, and off there when NO_COLOR is set", () => {
    expect(inTerminal(cleanEnv())).toContain(`${ESC}31m✗ malformed_signature`);
    const plain = inTerminal(cleanEnv({ NO_COLOR: "1" }));
    expect(plain).toContain("✗ malformed_signature");
    expect(plain).not.toContain(ESC);
  });
});

/**
 * The OpenTelemetry API is an optional peer: the built package works without
 * it, and with it but no SDK registered sends no trace context.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

function deliver(format: "esm" | "cjs", blockOtel: boolean) {
  const args = [
    ...(blockOtel ? ["--require", join(fixtures, "block-otel.cjs")] : []),
    join(fixtures, "deliver-one.mjs"),
    format,
  ];
  const result = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}");
}

describe("without @opentelemetry/api", () => {
  it.each(["esm", "cjs"] as const)("the %s build loads and delivers", (format) => {
    expect(deliver(format, true)).toEqual({
      apiResolvable: false,
      delivered: 1,
      traceparent: null,
    });
  });
});

describe("with @opentelemetry/api but no SDK registered", () => {
  it.each(["esm", "cjs"] as const)("the %s build delivers and sends no traceparent", (format) => {
    expect(deliver(format, false)).toEqual({
      apiResolvable: true,
      delivered: 1,
      traceparent: null,
    });
  });
});

/**
 * READMEs do not call a shipped entry point "coming": every subpath in a
 * package's exports map is available, so no README line that names it may
 * say otherwise.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

it("never calls an exported subpath coming", () => {
  const readmes = [
    join(root, "README.md"),
    ...readdirSync(join(root, "packages")).map((dir) => join(root, "packages", dir, "README.md")),
  ].map((path) => readFileSync(path, "utf8"));
  const shipped: string[] = [];
  for (const dir of readdirSync(join(root, "packages"))) {
    const pkg = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as {
      name: string;
      exports: Record<string, unknown>;
    };
    for (const subpath of Object.keys(pkg.exports)) {
      if (subpath !== "." && subpath !== "./package.json")
        shipped.push(`${pkg.name}${subpath.slice(1)}`);
    }
  }
  expect(shipped).toContain("@attesta/webhooks/bullmq");
  const stale = readmes.flatMap((text) =>
    text
      .split("\n")
      .filter((line) => /\bcoming\b/i.test(line))
      .filter((line) =>
        shipped.some((name) => line.includes(`${name}\``) || line.includes(`${name},`)),
      ),
  );
  expect(stale).toEqual([]);
});

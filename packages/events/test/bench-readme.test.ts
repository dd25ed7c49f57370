/**
 * The README's Performance section names what the benchmark measures, with the
 * benchmark's own names and defaults, so the table cannot drift from the bench.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface BenchCases {
  OURS: string;
  DEFAULTS: Record<string, number>;
  SCENARIOS: { name: string; libraries: string[] }[];
}

const { OURS, DEFAULTS, SCENARIOS } = (await import(
  new URL("../bench/cases.mjs", import.meta.url).href
)) as BenchCases;
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const performance = readme.slice(readme.indexOf("## Performance"), readme.indexOf("## License"));

/** The rows of the Markdown table whose header's first cell is `first`, as trimmed cells. */
function table(markdown: string, first: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.replace(/\s/g, "").startsWith(`|${first}|`));
  if (start === -1) throw new Error(`no table starting with "${first}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows.filter((_, index) => index !== 1); // without the --- separator
}

describe("the README's Performance section", () => {
  it("uses the benchmark's case names, in its order", () => {
    const [, ...rows] = table(performance, "case");
    expect(rows.map((row) => row[0])).toEqual(SCENARIOS.map((scenario) => scenario.name));
  });

  it("has one column per library the benchmark compares with, named as the bench names it", () => {
    const [header = []] = table(performance, "case");
    const peers = [...new Set(SCENARIOS.flatMap((scenario) => scenario.libraries))].filter(
      (library) => library !== OURS,
    );
    expect(header.slice(1)).toEqual(peers);
  });

  it("fills exactly the cells of the libraries each case compares", () => {
    const [header = [], ...rows] = table(performance, "case");
    for (const [index, scenario] of SCENARIOS.entries()) {
      const filled = header.filter((_, column) => column > 0 && rows[index]?.[column] !== "");
      expect(filled, scenario.name).toEqual(scenario.libraries.filter((l) => l !== OURS));
    }
  });

  it("states the benchmark's defaults", () => {
    const [, ...rows] = table(performance, "Variable");
    const stated = Object.fromEntries(
      rows.map(([name = "", value = ""]) => [
        name.replace(/`/g, ""),
        Number(value.replace(/`/g, "")),
      ]),
    );
    expect(stated).toEqual(DEFAULTS);
  });
});

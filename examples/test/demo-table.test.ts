import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { LiveTable, painter, wantsColour } from "../demo/table.mjs";

describe("wantsColour", () => {
  it("colours a terminal", () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
  });

  it("writes plain text to a pipe or a file", () => {
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });

  it("respects NO_COLOR on a terminal", () => {
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
  });

  it("treats a dumb terminal as plain", () => {
    expect(wantsColour({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("lets FORCE_COLOR switch colour on or off whatever the stream", () => {
    expect(wantsColour({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(wantsColour({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
  });
});

describe("LiveTable", () => {
  function render(colour: boolean, rows: Parameters<LiveTable["row"]>[0][]): string[] {
    const lines: string[] = [];
    const table = new LiveTable(
      [
        { title: "EVENT", width: 8 },
        { title: "HTTP", width: 4, align: "right" },
        { title: "NOTE", width: 10 },
      ],
      painter(colour),
      (line) => lines.push(line),
    );
    table.header();
    for (const row of rows) table.row(row);
    return lines;
  }

  it("aligns columns and right-aligns numbers", () => {
    expect(render(false, [["DENIED", "503", "retry"]])).toEqual([
      "  EVENT     HTTP  NOTE",
      "  DENIED     503  retry",
    ]);
  });

  it("clips text that does not fit, with an ellipsis", () => {
    expect(render(false, [["CHALLENGE_ISSUED", "200", "ok"]])[1]).toBe("  CHALLEN…   200  ok");
  });

  it("keeps the same layout once the colour codes are removed", () => {
    const row: Parameters<LiveTable["row"]>[0] = [
      { text: "DENIED", style: "red" },
      { text: "401", style: "green" },
      { text: "forged", style: "green" },
    ];
    const coloured = render(true, [row]);
    expect(coloured[1]).toContain("\u001b[31m");
    expect(coloured.map((line) => stripVTControlCharacters(line))).toEqual(render(false, [row]));
  });
});

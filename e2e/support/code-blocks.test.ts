import { describe, expect, it } from "vitest";
import { extractCodeBlocks } from "./code-blocks";

describe("extractCodeBlocks", () => {
  it("reads the language, the run flag and the file claim of each block", () => {
    const blocks = extractCodeBlocks(
      [
        "# Title",
        "```ts run",
        "a();",
        "```",
        "",
        "~~~ts file=examples/sender.ts",
        "b();",
        "~~~",
        "```sh",
        "c",
        "```",
      ].join("\n"),
    );
    expect(
      blocks.map(({ lang, run, file, line, code }) => ({ lang, run, file, line, code })),
    ).toEqual([
      { lang: "ts", run: true, file: undefined, line: 2, code: "a();\n" },
      { lang: "ts", run: false, file: "examples/sender.ts", line: 6, code: "b();\n" },
      { lang: "sh", run: false, file: undefined, line: 9, code: "c\n" },
    ]);
  });

  it("keeps a shorter inner fence as content of a longer outer fence", () => {
    const [outer, ...rest] = extractCodeBlocks(
      ["````md", "```ts run", "x();", "```", "````"].join("\n"),
    );
    expect(rest).toEqual([]);
    expect(outer?.lang).toBe("md");
    expect(outer?.code).toBe("```ts run\nx();\n```\n");
  });

  it("removes the opening fence's indentation from the content", () => {
    const [block] = extractCodeBlocks(
      ["  ```js run", "  const a = 1;", "    nested();", "  ```"].join("\n"),
    );
    expect(block?.code).toBe("const a = 1;\n  nested();\n");
  });

  it("ignores inline code spans that start with three backticks", () => {
    expect(extractCodeBlocks("```ts``` is inline\n")).toEqual([]);
  });

  it("reads CRLF documents like LF documents", () => {
    const [block] = extractCodeBlocks("```ts run\r\nx();\r\n```\r\n");
    expect(block?.code).toBe("x();\n");
  });

  it("throws on an unclosed fence instead of swallowing the rest of the file", () => {
    expect(() => extractCodeBlocks("text\n```ts run\nx();\n")).toThrow(/line 2/);
  });
});

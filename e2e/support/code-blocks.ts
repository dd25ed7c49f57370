/**
 * Fenced code blocks of a Markdown document, with the run/file claims their
 * info strings make.
 *
 * @module
 */

/** One fenced code block and what its info string claims about it. */
export interface CodeBlock {
  /** First word of the info string (`ts`, `sh`, `python`…), lower-cased; `""` when absent. */
  lang: string;
  /** The info string declares the block runnable (`ts run`). */
  run: boolean;
  /** The info string ties the block to a file (`ts file=examples/sender.ts`). */
  file?: string;
  /** The whole info string, trimmed. */
  info: string;
  /** Block content, without the fences, ending with a newline unless empty. */
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

const OPENING = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/**
 * Extracts the fenced code blocks of a Markdown document, following the
 * CommonMark rules that matter for READMEs: backtick or tilde fences of three
 * or more characters, indented by at most three spaces, closed by a fence of
 * the same character that is at least as long.
 *
 * Throws when a fence is never closed: CommonMark would silently run the
 * block to the end of the file, which hides every later block from the test.
 *
 * @example
 * ```ts
 * const [block] = extractCodeBlocks("```ts run\nconsole.log(1);\n```\n");
 * block.run; // true
 * ```
 */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const match = OPENING.exec(lines[index] ?? "");
    if (!match) continue;
    const [, indent = "", fence = "", rawInfo = ""] = match;
    // A backtick fence's info string cannot contain backticks (that is inline code).
    if (fence.startsWith("`") && rawInfo.includes("`")) continue;
    const closing = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end] ?? "")) {
      body.push(stripIndent(lines[end] ?? "", indent.length));
      end += 1;
    }
    if (end >= lines.length) {
      throw new Error(`Unclosed code fence opened on line ${index + 1}.`);
    }
    blocks.push({
      ...parseInfo(rawInfo.trim()),
      code: body.length ? `${body.join("\n")}\n` : "",
      line: index + 1,
    });
    index = end;
  }
  return blocks;
}

function stripIndent(line: string, width: number): string {
  let removed = 0;
  while (removed < width && line[removed] === " ") removed += 1;
  return line.slice(removed);
}

function parseInfo(info: string): Pick<CodeBlock, "lang" | "run" | "file" | "info"> {
  const [lang = "", ...words] = info.split(/\s+/).filter(Boolean);
  const file = words.find((word) => word.startsWith("file="))?.slice("file=".length);
  return { lang: lang.toLowerCase(), run: words.includes("run"), info, ...(file ? { file } : {}) };
}

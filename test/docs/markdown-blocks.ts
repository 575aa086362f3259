// Fenced code blocks of a Markdown document with their info string, so docs can carry examples
// that tests run (```json rule-example …```).

export interface CodeBlock {
  /** Words after the opening fence: `json rule-example` → ['json', 'rule-example']. */
  info: string[];
  text: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith(fence)) body.push(lines[j++]!);
    out.push({ info: open[2]!.trim().split(/\s+/).filter(Boolean), text: body.join('\n'), line: i + 1 });
    i = j;
  }
  return out;
}

/** Blocks tagged `tag` (the second word of the info string, after the language). */
export function tagged(blocks: CodeBlock[], tag: string): CodeBlock[] {
  return blocks.filter((b) => b.info[1] === tag);
}

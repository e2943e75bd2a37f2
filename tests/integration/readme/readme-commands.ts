/** One command of a ```bash block of a Markdown document, as a reader would paste it. */
export interface ReadmeCommand {
  /** 1-based number of the ```bash block in the document. */
  block: number;
  /** 1-based line of the document where the command starts. */
  line: number;
  /** The command with `\` continuation lines joined (one space) and comments left out. */
  text: string;
}

/**
 * Where the shell comment of a line starts (a `#` that begins a word outside quotes), or the line's length when it
 * has none. Throws when a quote is left open: README commands are one line each (after joining continuations).
 */
function commentStart(line: string): number {
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} quote in: ${line}`);
  return line.length;
}

/** Every command of every ```bash block, in document order. */
export function bashCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let block = 0;
  let inBash = false;
  let pending: { line: number; parts: string[] } | undefined;
  lines.forEach((raw, index) => {
    const fence = /^\s*```(\S*)/.exec(raw);
    if (fence) {
      if (inBash && pending) throw new Error(`line ${pending.line}: a continuation line ends the block`);
      if (!inBash && fence[1] === 'bash') block++;
      inBash = !inBash && fence[1] === 'bash';
      return;
    }
    if (!inBash) return;
    const continued = /\\\s*$/.test(raw) && !/\\\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending ??= { line: index + 1, parts: [] };
    pending.parts.push(pending.parts.length === 0 ? part.trimEnd() : part.trim());
    if (continued) return;
    const logical = pending.parts.join(' ');
    const text = logical.slice(0, commentStart(logical)).trim();
    if (text.length > 0) commands.push({ block, line: pending.line, text });
    pending = undefined;
  });
  return commands;
}

/** The targets of the document's Markdown links that point into the repository (no scheme, no pure #anchor). */
export function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
  return targets
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.replace(/#.*$/, ''));
}

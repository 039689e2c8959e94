// Finds where a key is written in TOML text. smol-toml reports positions only for syntax errors,
// so schema errors and unknown keys are placed by this small scanner over already-valid TOML.

/** One place a key or table header appears. Lines and columns are 1-based. */
export interface KeyEntry {
  path: string[];
  line: number;
  column: number;
}

/** Lists every table header and key (including dotted keys and inline-table keys) with its position. */
export function scanTomlKeys(text: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === "\n") lineStarts.push(k + 1);
  let i = 0;

  const position = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    return { line: line + 1, column: offset - lineStarts[line] + 1 };
  };
  const skipSpaces = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  const skipBlank = () => {
    while (i < text.length) {
      if (/\s/.test(text[i])) i++;
      else if (text[i] === "#") { while (i < text.length && text[i] !== "\n") i++; }
      else break;
    }
  };
  const skipLine = () => {
    while (i < text.length && text[i] !== "\n") i++;
  };
  const readQuoted = (quote: string): string => {
    const start = ++i;
    while (i < text.length && text[i] !== quote && text[i] !== "\n") {
      if (quote === '"' && text[i] === "\\") i++;
      i++;
    }
    const raw = text.slice(start, i);
    i++;
    if (quote === "'") return raw;
    try {
      return JSON.parse(`"${raw}"`);
    } catch {
      return raw;
    }
  };
  const readKey = (): string[] => {
    const keys: string[] = [];
    for (;;) {
      skipSpaces();
      if (text[i] === '"' || text[i] === "'") keys.push(readQuoted(text[i]));
      else {
        const start = i;
        while (i < text.length && /[A-Za-z0-9_-]/.test(text[i])) i++;
        if (i === start) return keys;
        keys.push(text.slice(start, i));
      }
      skipSpaces();
      if (text[i] !== ".") return keys;
      i++;
    }
  };
  const skipMultiline = (delimiter: string) => {
    i += 3;
    const escapes = delimiter === '"""';
    while (i < text.length && !text.startsWith(delimiter, i)) {
      i += escapes && text[i] === "\\" ? 2 : 1;
    }
    i += 3;
    while (text[i] === delimiter[0]) i++;
  };
  const readValue = (prefix: string[]): void => {
    skipSpaces();
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) skipMultiline(text.slice(i, i + 3));
    else if (text[i] === '"' || text[i] === "'") readQuoted(text[i]);
    else if (text[i] === "[") readList(prefix);
    else if (text[i] === "{") readInlineTable(prefix);
    else while (i < text.length && !/[,\]}\r\n#]/.test(text[i])) i++;
  };
  const readList = (prefix: string[]) => {
    i++;
    while (i < text.length) {
      skipBlank();
      if (text[i] === "]") return void i++;
      if (text[i] === ",") {
        i++;
        continue;
      }
      const before = i;
      readValue(prefix);
      if (i === before) i++;
    }
  };
  const readInlineTable = (prefix: string[]) => {
    i++;
    while (i < text.length) {
      skipBlank();
      if (text[i] === "}") return void i++;
      if (text[i] === ",") {
        i++;
        continue;
      }
      const start = i;
      const keys = readKey();
      if (keys.length === 0) {
        i++;
        continue;
      }
      entries.push({ path: [...prefix, ...keys], ...position(start) });
      skipSpaces();
      if (text[i] === "=") i++;
      readValue([...prefix, ...keys]);
    }
  };

  let table: string[] = [];
  while (i < text.length) {
    skipBlank();
    if (i >= text.length) break;
    const start = i;
    if (text[i] === "[") {
      i += text[i + 1] === "[" ? 2 : 1;
      table = readKey();
      entries.push({ path: table, ...position(start) });
      skipLine();
      continue;
    }
    const keys = readKey();
    if (keys.length === 0) {
      skipLine();
      continue;
    }
    entries.push({ path: [...table, ...keys], ...position(start) });
    skipSpaces();
    if (text[i] === "=") i++;
    readValue([...table, ...keys]);
  }
  return entries;
}

/**
 * Where `path` is written: the key itself, else the deepest table or key that contains it,
 * else line 1. Array indices in `path` are ignored (the array's key is the place).
 */
export function locateKey(
  text: string,
  path: readonly PropertyKey[],
): { line: number; column: number } {
  const target = path.filter((p): p is string => typeof p === "string");
  let best: KeyEntry | undefined;
  for (const entry of scanTomlKeys(text)) {
    if (entry.path.length > target.length) continue;
    if (!entry.path.every((key, k) => key === target[k])) continue;
    if (!best || entry.path.length > best.path.length) best = entry;
  }
  return best ? { line: best.line, column: best.column } : { line: 1, column: 1 };
}

/** The dotted key being defined on `line` (table header plus `key =`), for syntax errors. */
export function keyOnLine(text: string, line: number): string | undefined {
  const lines = text.split("\n");
  let table: string[] = [];
  for (let n = 0; n < Math.min(line, lines.length); n++) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]/.exec(lines[n]);
    if (header) table = header[1].split(".").map((k) => k.trim().replace(/^["']|["']$/g, ""));
  }
  const assignment = /^\s*([A-Za-z0-9_.\-"' ]+?)\s*=/.exec(lines[line - 1] ?? "");
  const keys = assignment
    ? assignment[1].split(".").map((k) => k.trim().replace(/^["']|["']$/g, ""))
    : [];
  const full = [...table, ...keys];
  return full.length > 0 ? full.join(".") : undefined;
}

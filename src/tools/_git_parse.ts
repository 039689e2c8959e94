/** Pure parsers for git's machine-readable output (porcelain v2, -z numstat, blame --porcelain). */

/** One changed path in `git status`. */
export interface StatusEntry {
  path: string;
  /** Set for renames and copies: where the path came from. */
  from?: string;
  /** A one-letter git code: M, A, D, R, C, T, U (conflict) or ? (untracked). */
  code: string;
}

/** `git status` as data. */
export interface StatusSummary {
  branch: string | null;
  commit: string | null;
  upstream: string | null;
  ahead: number;
  behind: number;
  staged: StatusEntry[];
  unstaged: StatusEntry[];
  untracked: string[];
  conflicted: string[];
}

/** One commit as `git log` lists it. */
export interface LogEntry {
  hash: string;
  author: string;
  email: string;
  date: string;
  subject: string;
}

/** One file of a `--numstat` listing; additions/deletions are null for binary files. */
export interface NumstatEntry {
  path: string;
  from?: string;
  additions: number | null;
  deletions: number | null;
}

/** One line of `git blame`. */
export interface BlameLine {
  line: number;
  hash: string;
  author: string;
  date: string;
  text: string;
}

/** Field and record separators used in our `--format` strings. */
export const FIELD = "\x1f";
export const RECORD = "\x1e";
/** The `--format` that {@link parseLog} reads. */
export const LOG_FORMAT = "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e";

/** Parses `git status --porcelain=v2 --branch -z`, dropping `prefix` from every path. */
export function parseStatus(out: string, prefix = ""): StatusSummary {
  const summary: StatusSummary = {
    branch: null,
    commit: null,
    upstream: null,
    ahead: 0,
    behind: 0,
    staged: [],
    unstaged: [],
    untracked: [],
    conflicted: [],
  };
  const fields = out.split("\0");
  const strip = (p: string) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p);
  for (let i = 0; i < fields.length; i++) {
    const record = fields[i];
    if (record === "") continue;
    if (record.startsWith("# ")) {
      readBranchHeader(record.slice(2), summary);
    } else if (record.startsWith("1 ") || record.startsWith("2 ")) {
      const parts = record.split(" ");
      const xy = parts[1];
      const isRename = record.startsWith("2 ");
      const path = strip(parts.slice(isRename ? 9 : 8).join(" "));
      const from = isRename ? strip(fields[++i]) : undefined;
      if (xy[0] !== ".") summary.staged.push(withFrom({ path, code: xy[0] }, from));
      if (xy[1] !== ".") summary.unstaged.push(withFrom({ path, code: xy[1] }, from));
    } else if (record.startsWith("u ")) {
      summary.conflicted.push(strip(record.split(" ").slice(10).join(" ")));
    } else if (record.startsWith("? ")) {
      summary.untracked.push(strip(record.slice(2)));
    }
  }
  return summary;
}

function readBranchHeader(header: string, summary: StatusSummary): void {
  const [key, ...rest] = header.split(" ");
  const value = rest.join(" ");
  if (key === "branch.oid") summary.commit = value === "(initial)" ? null : value;
  if (key === "branch.head") summary.branch = value === "(detached)" ? null : value;
  if (key === "branch.upstream") summary.upstream = value;
  if (key === "branch.ab") {
    const match = /^\+(\d+) -(\d+)$/.exec(value);
    if (match) {
      summary.ahead = Number(match[1]);
      summary.behind = Number(match[2]);
    }
  }
}

function withFrom(entry: StatusEntry, from: string | undefined): StatusEntry {
  return from === undefined ? entry : { ...entry, from };
}

/** Renders a status summary the way a person would want to read it. */
export function formatStatus(s: StatusSummary): string {
  const where = s.branch === null ? `HEAD detached at ${s.commit?.slice(0, 12) ?? "?"}` : (
    s.commit === null ? `On branch ${s.branch} (no commits yet)` : `On branch ${s.branch}`
  );
  const lines = [where];
  if (s.upstream) lines.push(`Tracking ${s.upstream}: ahead ${s.ahead}, behind ${s.behind}`);
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`, ...items.map((item) => `  ${item}`));
  };
  const show = (e: StatusEntry) => `${e.code} ${e.from ? `${e.from} -> ` : ""}${e.path}`;
  section("Conflicted", s.conflicted);
  section("Staged", s.staged.map(show));
  section("Unstaged", s.unstaged.map(show));
  section("Untracked", s.untracked);
  if (
    s.staged.length + s.unstaged.length + s.untracked.length + s.conflicted.length === 0
  ) lines.push("Nothing to commit, working tree clean");
  return lines.join("\n");
}

/** Parses output of `git log` with {@link LOG_FORMAT}. */
export function parseLog(out: string): LogEntry[] {
  return out.split(RECORD).map((r) => r.replace(/^\n+/, "")).filter((r) => r !== "").map(
    (record) => {
      const [hash, author, email, date, subject] = record.split(FIELD);
      return { hash, author, email, date, subject: subject ?? "" };
    },
  );
}

/** Renders log entries one per line: short hash, date, author, subject. */
export function formatLog(entries: LogEntry[]): string {
  return entries.map((e) =>
    `${e.hash.slice(0, 12)} ${e.date.slice(0, 10)} ${e.author}: ${e.subject}`
  )
    .join("\n");
}

/** Parses `--numstat -z` output (renames carry both paths). */
export function parseNumstat(out: string): NumstatEntry[] {
  const fields = out.split("\0");
  const entries: NumstatEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const record = fields[i].replace(/^\n+/, "");
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(record);
    if (!match) continue;
    const count = (v: string) => (v === "-" ? null : Number(v));
    const entry: NumstatEntry = {
      path: match[3],
      additions: count(match[1]),
      deletions: count(match[2]),
    };
    if (match[3] === "") {
      entry.from = fields[++i];
      entry.path = fields[++i];
    }
    entries.push(entry);
  }
  return entries;
}

/** Renders numstat entries like `git diff --stat`, one file a line, plus a total. */
export function formatNumstat(entries: NumstatEntry[]): string {
  if (entries.length === 0) return "No changes";
  let added = 0;
  let deleted = 0;
  const lines = entries.map((e) => {
    added += e.additions ?? 0;
    deleted += e.deletions ?? 0;
    const name = e.from ? `${e.from} -> ${e.path}` : e.path;
    const counts = e.additions === null ? "binary" : `+${e.additions} -${e.deletions}`;
    return `${counts}\t${name}`;
  });
  lines.push(`${entries.length} file(s) changed, +${added} -${deleted}`);
  return lines.join("\n");
}

/** Parses `git blame --porcelain`. */
export function parseBlame(out: string): BlameLine[] {
  const commits = new Map<string, { author: string; time: number }>();
  const lines: BlameLine[] = [];
  let hash = "";
  let lineNo = 0;
  for (const raw of out.split("\n")) {
    const header = /^([0-9a-f]{40,64}) \d+ (\d+)(?: \d+)?$/.exec(raw);
    if (header) {
      hash = header[1];
      lineNo = Number(header[2]);
      if (!commits.has(hash)) commits.set(hash, { author: "", time: 0 });
      continue;
    }
    const info = commits.get(hash);
    if (raw.startsWith("\t")) {
      const date = info ? new Date(info.time * 1000).toISOString().slice(0, 10) : "";
      lines.push({ line: lineNo, hash, author: info?.author ?? "", date, text: raw.slice(1) });
    } else if (info && raw.startsWith("author ")) {
      info.author = raw.slice("author ".length);
    } else if (info && raw.startsWith("author-time ")) {
      info.time = Number(raw.slice("author-time ".length));
    }
  }
  return lines;
}

/** Renders blame lines as `hash date author line| text`. */
export function formatBlame(lines: BlameLine[]): string {
  const width = Math.max(0, ...lines.map((l) => l.author.length));
  return lines.map((l) =>
    `${l.hash.slice(0, 8)} ${l.date} ${l.author.padEnd(width)} ${
      String(l.line).padStart(5)
    }| ${l.text}`
  ).join("\n");
}

// Terminal styling without a global: every renderer takes a Style made for its output stream.

/** What a renderer needs to know about the terminal it writes to. */
export interface TerminalInfo {
  /** The output is an interactive terminal (not a pipe or a file). */
  isTty: boolean;
  /** ANSI colours and emphasis may be used. */
  color: boolean;
  /** Columns to wrap at. */
  columns: number;
}

/** Decides colour and width from the facts the caller gathered (NO_COLOR wins; pipes get none). */
export function detectTerminal(
  facts: { isTty: boolean; noColor?: boolean; columns?: number },
): TerminalInfo {
  const columns = facts.columns !== undefined && facts.columns > 0 ? facts.columns : 80;
  return { isTty: facts.isTty, color: facts.isTty && !facts.noColor, columns };
}

type Paint = (text: string) => string;

/** Named paints; each is the identity when colour is off. */
export interface Style {
  readonly color: boolean;
  bold: Paint;
  dim: Paint;
  italic: Paint;
  underline: Paint;
  strike: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
  gray: Paint;
}

function paint(open: number, close: number): Paint {
  return (text) => text === "" ? "" : `\x1b[${open}m${text}\x1b[${close}m`;
}

const identity: Paint = (text) => text;

/** A Style that paints with ANSI codes when `color` is true and leaves text alone otherwise. */
export function createStyle(color: boolean): Style {
  if (!color) {
    return {
      color,
      bold: identity,
      dim: identity,
      italic: identity,
      underline: identity,
      strike: identity,
      red: identity,
      green: identity,
      yellow: identity,
      blue: identity,
      magenta: identity,
      cyan: identity,
      gray: identity,
    };
  }
  return {
    color,
    bold: paint(1, 22),
    dim: paint(2, 22),
    italic: paint(3, 23),
    underline: paint(4, 24),
    strike: paint(9, 29),
    red: paint(31, 39),
    green: paint(32, 39),
    yellow: paint(33, 39),
    blue: paint(34, 39),
    magenta: paint(35, 39),
    cyan: paint(36, 39),
    gray: paint(90, 39),
  };
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Removes ANSI escape sequences (for tests and width counting). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

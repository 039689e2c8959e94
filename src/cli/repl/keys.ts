// Raw terminal input → keys. Stateful only to join escape sequences and bracketed pastes that
// arrive split over several reads.

/** Named keys the editor understands. */
export type KeyName =
  | "enter"
  | "newline"
  | "backspace"
  | "delete"
  | "left"
  | "right"
  | "up"
  | "down"
  | "home"
  | "end"
  | "word-left"
  | "word-right"
  | "delete-word"
  | "tab"
  | "escape"
  | `ctrl-${string}`
  | "unknown";

/** One key press, a run of typed text, or a whole bracketed paste. */
export type Key =
  | { type: "text"; text: string }
  | { type: "paste"; text: string }
  | { type: "key"; name: KeyName; seq?: string };

/** Turns terminal input (already decoded from UTF-8) into keys, across chunk boundaries. */
export interface KeyDecoder {
  feed(chunk: string): Key[];
}

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

const key = (name: KeyName, seq?: string): Key =>
  seq ? { type: "key", name, seq } : {
    type: "key",
    name,
  };

function csiKey(params: string, final: string, seq: string): Key {
  const [first, mod] = params.split(";");
  const ctrlOrAlt = mod === "3" || mod === "5" || mod === "9";
  switch (final) {
    case "A":
      return key("up");
    case "B":
      return key("down");
    case "C":
      return key(ctrlOrAlt ? "word-right" : "right");
    case "D":
      return key(ctrlOrAlt ? "word-left" : "left");
    case "H":
      return key("home");
    case "F":
      return key("end");
    case "u": // CSI u (kitty, foot, new xterm): 13;2u is Shift-Enter
      if (first === "13") return key(mod && mod !== "1" ? "newline" : "enter");
      return key("unknown", seq);
    case "~":
      if (first === "1" || first === "7") return key("home");
      if (first === "4" || first === "8") return key("end");
      if (first === "3") return key("delete");
      if (first === "27" && params.endsWith(";13")) return key("newline"); // modifyOtherKeys
      return key("unknown", seq);
  }
  return key("unknown", seq);
}

function controlKey(ch: string): Key {
  switch (ch) {
    case "\r":
      return key("enter");
    case "\n":
      return key("newline");
    case "\t":
      return key("tab");
    case "\x7f":
    case "\x08":
      return key("backspace");
  }
  const code = ch.charCodeAt(0);
  if (code >= 1 && code <= 26) return key(`ctrl-${String.fromCharCode(code + 96)}`);
  return key("unknown", ch);
}

/** Creates a decoder; keep one per input stream. */
export function createKeyDecoder(): KeyDecoder {
  let buffer = "";
  let paste: string | undefined;

  return {
    feed(chunk) {
      buffer += chunk;
      const keys: Key[] = [];
      let text = "";
      const flushText = () => {
        if (text) keys.push({ type: "text", text });
        text = "";
      };
      while (buffer.length > 0) {
        if (paste !== undefined) {
          const end = buffer.indexOf(PASTE_END);
          if (end < 0) {
            // Keep a possible partial end marker in the buffer; the rest is pasted text.
            let keep = Math.min(buffer.length, PASTE_END.length - 1);
            while (keep > 0 && !PASTE_END.startsWith(buffer.slice(buffer.length - keep))) keep--;
            paste += buffer.slice(0, buffer.length - keep);
            buffer = buffer.slice(buffer.length - keep);
            break;
          }
          keys.push({
            type: "paste",
            text: (paste + buffer.slice(0, end)).replace(/\r\n?/g, "\n"),
          });
          paste = undefined;
          buffer = buffer.slice(end + PASTE_END.length);
          continue;
        }
        const ch = buffer[0];
        if (ch === "\x1b") {
          flushText();
          if (buffer.length === 1) {
            keys.push(key("escape"));
            buffer = "";
            break;
          }
          const next = buffer[1];
          if (next === "[") {
            const m = /^\[([0-9;?]*)([@-~])/.exec(buffer.slice(1));
            if (!m) {
              if (/^\[[0-9;?]*$/.test(buffer.slice(1))) break; // incomplete: wait for more
              keys.push(key("unknown", buffer.slice(0, 2)));
              buffer = buffer.slice(2);
              continue;
            }
            const seq = `\x1b${m[0]}`;
            buffer = buffer.slice(seq.length);
            if (seq === PASTE_START) {
              paste = "";
              continue;
            }
            keys.push(csiKey(m[1], m[2], seq));
            continue;
          }
          if (next === "O") {
            if (buffer.length < 3) break;
            const k = ({ A: "up", B: "down", C: "right", D: "left", H: "home", F: "end" } as const)[
              buffer[2] as "A"
            ];
            keys.push(k ? key(k) : key("unknown", buffer.slice(0, 3)));
            buffer = buffer.slice(3);
            continue;
          }
          buffer = buffer.slice(2);
          if (next === "\r" || next === "\n") keys.push(key("newline"));
          else if (next === "b") keys.push(key("word-left"));
          else if (next === "f") keys.push(key("word-right"));
          else if (next === "\x7f" || next === "\x08") keys.push(key("delete-word"));
          else if (next === "\x1b") {
            keys.push(key("escape"));
            buffer = "\x1b" + buffer;
          } else keys.push(key("unknown", `\x1b${next}`));
          continue;
        }
        if (ch < " " || ch === "\x7f") {
          flushText();
          keys.push(controlKey(ch));
          buffer = buffer.slice(1);
          continue;
        }
        text += ch;
        buffer = buffer.slice(1);
      }
      flushText();
      return keys;
    },
  };
}

// Reasoning that a model writes into its text as `<think>…</think>` at the start of a reply (a
// thinking model served without a reasoning parser: vLLM, LM Studio, llama.cpp), taken out of
// the text as it streams, so that it is neither shown as the answer nor kept in the history.

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits one reply's streamed text into what is shown and the reasoning of a leading think
 * block. Text that may yet turn out to be part of a tag is held back until the next piece says.
 */
export class ThinkTags {
  #state: "start" | "thinking" | "after" | "text" = "start";
  #held = "";
  /** Reasoning found since the caller last took it. */
  reasoning = "";

  /** The part of `piece` to show now, possibly empty. */
  push(piece: string): string {
    switch (this.#state) {
      case "text":
        return piece;
      case "after": {
        // The white space between the think block and the answer.
        const text = piece.replace(/^\s+/, "");
        if (text !== "") this.#state = "text";
        return text;
      }
      case "start": {
        this.#held += piece;
        const lead = this.#held.trimStart();
        if (lead.length < OPEN.length && OPEN.startsWith(lead)) return "";
        if (!lead.startsWith(OPEN)) {
          this.#state = "text";
          return this.#take();
        }
        this.#state = "thinking";
        this.#held = "";
        return this.#think(lead.slice(OPEN.length));
      }
      case "thinking":
        return this.#think(piece);
    }
  }

  /** The end of the reply: held text is shown, an unclosed think block is reasoning. */
  end(): string {
    if (this.#state === "thinking") {
      this.reasoning += this.#held;
      this.#held = "";
      return "";
    }
    return this.#take();
  }

  #think(piece: string): string {
    const text = this.#held + piece;
    const close = text.indexOf(CLOSE);
    if (close === -1) {
      // What could be the start of the closing tag waits for the next piece.
      const keep = partialTag(text, CLOSE);
      this.reasoning += text.slice(0, text.length - keep);
      this.#held = text.slice(text.length - keep);
      return "";
    }
    this.reasoning += text.slice(0, close);
    this.#held = "";
    this.#state = "after";
    return this.push(text.slice(close + CLOSE.length));
  }

  #take(): string {
    const text = this.#held;
    this.#held = "";
    return text;
  }
}

/** The length of the longest end of `text` that begins `tag` (and is shorter than it). */
function partialTag(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

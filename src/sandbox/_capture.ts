/**
 * Keeps at most `cap` bytes of a stream: the first half as it arrives and a rolling last half.
 * Memory stays near `cap` whatever the stream's length.
 */
export class OutputCapture {
  readonly #headCap: number;
  readonly #tailCap: number;
  readonly #head: Uint8Array;
  #headLen = 0;
  #tail: Uint8Array[] = [];
  #tailLen = 0;
  #total = 0;

  constructor(cap: number) {
    if (!Number.isInteger(cap) || cap < 0) throw new Error(`OutputCapture needs a cap, got ${cap}`);
    this.#headCap = Math.floor(cap / 2);
    this.#tailCap = cap - this.#headCap;
    this.#head = new Uint8Array(this.#headCap);
  }

  /** Bytes seen so far, kept or not. */
  get total(): number {
    return this.#total;
  }

  /** Adds one chunk. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#headLen < this.#headCap) {
      const take = Math.min(this.#headCap - this.#headLen, rest.length);
      this.#head.set(rest.subarray(0, take), this.#headLen);
      this.#headLen += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.#tailCap === 0) return;
    if (rest.length >= this.#tailCap) {
      this.#tail = [rest.slice(rest.length - this.#tailCap)];
      this.#tailLen = this.#tailCap;
      return;
    }
    this.#tail.push(rest.slice());
    this.#tailLen += rest.length;
    while (this.#tailLen - this.#tail[0].length >= this.#tailCap) {
      this.#tailLen -= this.#tail[0].length;
      this.#tail.shift();
    }
  }

  /** The kept text, with a marker naming the dropped byte count where bytes were dropped. */
  result(): { text: string; dropped: number } {
    const decoder = new TextDecoder();
    let tail = concat(this.#tail, this.#tailLen);
    if (tail.length > this.#tailCap) tail = tail.subarray(tail.length - this.#tailCap);
    const dropped = this.#total - this.#headLen - tail.length;
    const head = this.#head.subarray(0, this.#headLen);
    if (dropped === 0) {
      return { text: decoder.decode(concat([head, tail], head.length + tail.length)), dropped };
    }
    return {
      text: `${decoder.decode(head)}\n[... ${dropped} bytes dropped ...]\n${decoder.decode(tail)}`,
      dropped,
    };
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

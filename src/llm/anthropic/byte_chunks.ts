// Lists of byte chunks, as the request encoder assembles bodies from them.

/** The total length of `chunks`. */
export function lengthOf(chunks: Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}

/** True when both lists hold the same chunk objects in the same order. */
export function sameChunks(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Copies `chunks` from index `from` into `into`, starting at byte `at`. */
export function join(chunks: Uint8Array[], into: Uint8Array, from: number, at: number): Uint8Array {
  for (let i = from; i < chunks.length; i++) {
    into.set(chunks[i], at);
    at += chunks[i].length;
  }
  return into;
}

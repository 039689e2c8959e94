// What a search pattern may not use and what to do instead, in the same words from both engines.

/** Why look-around is refused, and what to do instead (ripgrep refuses it too). */
export const LOOK_AROUND =
  "look-around is not supported; match the text around it instead, or use \\b " +
  "for a word boundary";
/** Why backreferences are refused, and what to do instead. */
export const BACKREFERENCE =
  "backreferences are not supported; search for the repeated text itself";

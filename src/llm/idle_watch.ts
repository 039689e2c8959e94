// Idle timeouts for model streams. One timer serves every stream in the process: setting and
// clearing a timer per call (let alone per streamed event) costs more than the stream's handling.

/** One stream's watch: waiting on the provider, or holding a part the provider already sent. */
export interface IdleWatch {
  /** Waiting on the provider from now on. */
  wait(): void;
  /** The caller holds a part: the provider is not being waited on. */
  hold(): void;
  /** Ends the watch; `onIdle` is not called after this. */
  stop(): void;
}

/** One stream's entry in the shared watch (methods on the class: nothing made per call). */
class Entry implements IdleWatch {
  since = Date.now();
  holding = true;
  constructor(readonly ms: number, readonly onIdle: () => void) {}

  wait(): void {
    this.since = Date.now();
    this.holding = false;
  }

  hold(): void {
    this.holding = true;
  }

  stop(): void {
    entries.delete(this);
  }
}

/** Ticks at most this often, at least this seldom: a timeout fires up to one tick late. */
const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1000;
const entries = new Set<Entry>();
let timer: ReturnType<typeof setTimeout> | undefined;
let tickMs = MAX_TICK_MS;
/** Whether the ticker may run one tick with no stream to watch (the next call often follows). */
let spare = true;

/**
 * Calls `onIdle` once the provider has been waited on for `ms` in a row (up to an eighth of `ms`
 * or a second later). Time the caller holds a part, between `hold` and `wait`, does not count.
 */
export function watchIdle(ms: number, onIdle: () => void): IdleWatch {
  const entry = new Entry(ms, onIdle);
  entries.add(entry);
  const tick = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(ms / 8)));
  if (timer === undefined || tick < tickMs) arm(tick);
  return entry;
}

function arm(tick: number): void {
  if (timer !== undefined) clearTimeout(timer);
  tickMs = tick;
  const id = setTimeout(check, tick);
  timer = id;
  // The streams' own requests keep the process alive; the watch must not.
  Deno.unrefTimer(id);
}

function check(): void {
  timer = undefined;
  const now = Date.now();
  let tick = MAX_TICK_MS;
  for (const entry of entries) {
    if (!entry.holding && now - entry.since >= entry.ms) {
      entries.delete(entry);
      entry.onIdle();
      continue;
    }
    tick = Math.min(tick, Math.max(MIN_TICK_MS, Math.floor(entry.ms / 8)));
  }
  // Runs on while streams come and go; stops after a whole tick without any.
  if (entries.size > 0) {
    spare = true;
    arm(tick);
  } else if (spare) {
    spare = false;
    arm(tickMs);
  }
}
